package dev.perennial.cli.local;

import dev.perennial.core.PerennialException;
import dev.perennial.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a topic's committed records from the beginning to its current end, without a group. */
public final class TopicReader {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(200);

  private TopicReader() {}

  /**
   * Every committed record of {@code topic} up to its end offsets at the time of the call.
   *
   * @param clientProperties bootstrap servers and security settings
   */
  public static <V> List<ConsumerRecord<String, V>> readAll(
      Map<String, Object> clientProperties, Topic<String, V> topic) {
    Map<String, Object> properties = new HashMap<>(clientProperties);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            properties, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name(), TIMEOUT).stream()
              .map(info -> new TopicPartition(topic.name(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new PerennialException(
              "Cannot read " + topic.name() + " to its end within " + TIMEOUT);
        }
        consumer.poll(POLL).forEach(records::add);
      }
    }
    return records;
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream()
        .allMatch(entry -> consumer.position(entry.getKey(), TIMEOUT) >= entry.getValue());
  }
}
