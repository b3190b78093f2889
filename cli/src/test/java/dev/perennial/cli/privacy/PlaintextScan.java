package dev.perennial.cli.privacy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Looks for byte strings in clear where data can be: every record of every topic from offset 0
 * (internal ones too, aborted transactions too: a raw consumer reading uncommitted), and every file
 * under given folders. A hit names where it was found.
 */
final class PlaintextScan {

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** One needle found: its label and where. */
  record Hit(String needle, String where) {}

  private final Map<String, byte[]> needles = new HashMap<>();

  /** Looks for {@code text} (UTF-8), reported under itself. */
  PlaintextScan text(String text) {
    needles.put(text, text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Looks for {@code bytes}, reported under {@code label}. */
  PlaintextScan bytes(String label, byte[] bytes) {
    needles.put(label, bytes.clone());
    return this;
  }

  /** Every hit in every record of every topic (and the topics scanned). */
  List<Hit> topics(Admin admin, Map<String, Object> clientProperties, Set<String> scanned)
      throws InterruptedException, ExecutionException {
    Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    scanned.addAll(names);
    Map<String, Object> properties = new HashMap<>(clientProperties);
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<Hit> hits = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String topic : names) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("Cannot read " + topic + " to its end");
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            String where = topic + "-" + record.partition() + "@" + record.offset();
            find(record.key(), where + " key", hits);
            find(record.value(), where + " value", hits);
          }
        }
      }
    }
    return hits;
  }

  /** Every hit in every file under {@code folders} (and how many files were read). */
  List<Hit> files(List<Path> folders, int[] filesRead) {
    List<Hit> hits = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          byte[] content;
          try {
            content = Files.readAllBytes(file);
          } catch (IOException e) {
            continue; // deleted while walking (a rolled segment, a cleaned-up scratch file)
          }
          filesRead[0]++;
          find(content, file.toString(), hits);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return hits;
  }

  /** Every hit in {@code text} (log lines, a metrics scrape). */
  List<Hit> text(String label, String text) {
    List<Hit> hits = new ArrayList<>();
    find(text.getBytes(StandardCharsets.UTF_8), label, hits);
    return hits;
  }

  private void find(byte[] haystack, String where, List<Hit> hits) {
    if (haystack == null) {
      return;
    }
    needles.forEach(
        (label, needle) -> {
          if (indexOf(haystack, needle) >= 0) {
            hits.add(new Hit(label, where));
          }
        });
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
