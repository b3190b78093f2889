package dev.perennial.cli.local;

import dev.perennial.core.PerennialException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether a consumer group (a Streams application's {@code application.id}) has read everything in
 * some topics: its committed offsets have reached their end offsets. Under exactly-once the offsets
 * commit with the outputs, so a caught-up application has also written everything it made of that
 * input.
 */
public final class ConsumerGroupProgress {

  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * How long the broker may hold a fetch of {@link #left} that finds no record (Kafka's default,
   * 500 ms, made each check that found only markers take half a second).
   */
  private static final int MARKER_FETCH_MAX_WAIT_MS = 10;

  /** The pause after a check that found records left, before the next one reads them again. */
  private static final Duration RECORDS_LEFT_PAUSE = Duration.ofMillis(500);

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin;
  private final Map<String, Object> clientProperties;
  private final String groupId;
  private final List<String> topics;

  /**
   * @param clientProperties how to reach the broker (bootstrap servers, security settings)
   */
  public ConsumerGroupProgress(
      Admin admin,
      Map<String, Object> clientProperties,
      String groupId,
      Collection<String> topics) {
    this.admin = admin;
    this.clientProperties = Map.copyOf(clientProperties);
    this.groupId = groupId;
    this.topics = List.copyOf(topics);
  }

  /**
   * Waits until the group's committed offsets reach the topics' current end offsets.
   *
   * @throws PerennialException naming the partitions that lag, after {@code timeout}
   */
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    Map<TopicPartition, Long> end = endOffsets();
    long deadline = System.nanoTime() + timeout.toNanos();
    // The committed offsets of the last check that read a committed record after them: while the
    // group commits nothing new, that record is still there, so no consumer need read it again
    // (a stage that trains or scores for seconds would otherwise cost a consumer per pause).
    Map<TopicPartition, OffsetAndMetadata> recordsFoundAfter = null;
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed = committed();
      Map<TopicPartition, Long> lag = lag(end, committed);
      if (lag.isEmpty()) {
        return;
      }
      if (!committed.equals(recordsFoundAfter)) {
        Left left = left(lag, committed);
        if (left == Left.ONLY_MARKERS) {
          return;
        }
        if (left == Left.RECORDS) {
          recordsFoundAfter = committed;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new PerennialException(
            "Consumer group "
                + groupId
                + " did not catch up within "
                + timeout
                + "; records left per partition: "
                + lag);
      }
      Thread.sleep(RECORDS_LEFT_PAUSE.toMillis());
    }
  }

  /** The sum of the group's committed offsets over every partition of the topics. */
  public long committedOffsets() throws InterruptedException {
    return get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata())
        .entrySet()
        .stream()
        .filter(entry -> topics.contains(entry.getKey().topic()) && entry.getValue() != null)
        .mapToLong(entry -> entry.getValue().offset())
        .sum();
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() throws InterruptedException {
    return get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
  }

  /** Records the group has not committed yet, by partition; empty when caught up. */
  private static Map<TopicPartition, Long> lag(
      Map<TopicPartition, Long> end, Map<TopicPartition, OffsetAndMetadata> committed) {
    Map<TopicPartition, Long> lag = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    end.forEach(
        (partition, endOffset) -> {
          OffsetAndMetadata offset = committed.get(partition);
          long position = offset == null ? 0 : offset.offset();
          if (position < endOffset) {
            lag.put(partition, endOffset - position);
          }
        });
    return lag;
  }

  /** What lies between the committed offsets and the ends, as far as one read found out. */
  private enum Left {
    ONLY_MARKERS,
    RECORDS,
    NOT_READ_IN_TIME
  }

  /** Whether a committed record lies between the committed offsets and the ends. */
  private Left left(
      Map<TopicPartition, Long> lag, Map<TopicPartition, OffsetAndMetadata> committed) {
    Map<String, Object> properties = new HashMap<>(clientProperties);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, MARKER_FETCH_MAX_WAIT_MS);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(lag.keySet());
      for (TopicPartition partition : lag.keySet()) {
        OffsetAndMetadata offset = committed.get(partition);
        consumer.seek(partition, offset == null ? 0 : offset.offset());
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(lag.keySet(), CALL_TIMEOUT);
      long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
      while (lag.keySet().stream().anyMatch(p -> consumer.position(p, CALL_TIMEOUT) < end.get(p))) {
        if (!consumer.poll(POLL).isEmpty()) {
          return Left.RECORDS;
        }
        if (System.nanoTime() > deadline) {
          return Left.NOT_READ_IN_TIME;
        }
      }
      return Left.ONLY_MARKERS;
    }
  }

  /** The sum of the topics' end offsets: it grows whenever a record is written to one. */
  public long endOffsetSum() throws InterruptedException {
    return endOffsets().values().stream().mapToLong(Long::longValue).sum();
  }

  private Map<TopicPartition, Long> endOffsets() throws InterruptedException {
    Map<TopicPartition, OffsetSpec> request =
        get(admin.describeTopics(topics).allTopicNames()).values().stream()
            .flatMap(
                description ->
                    description.partitions().stream()
                        .map(p -> new TopicPartition(description.name(), p.partition())))
            .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
    return get(admin.listOffsets(request).all()).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
  }

  private <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
    try {
      return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PerennialException(
          "Cannot read the progress of consumer group " + groupId + ": " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new PerennialException(
          "The broker did not answer within " + CALL_TIMEOUT + " about group " + groupId, e);
    }
  }
}
