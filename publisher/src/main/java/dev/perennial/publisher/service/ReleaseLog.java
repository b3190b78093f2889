package dev.perennial.publisher.service;

import dev.perennial.publisher.PublisherException;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterRelease;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads {@code releases.v1} from the beginning to its end (committed records only, no consumer
 * group) and keeps the latest record of each key: every key's current state, since each record
 * carries the whole state after its action.
 */
public final class ReleaseLog {

  private static final Duration POLL = Duration.ofMillis(200);

  private ReleaseLog() {}

  /**
   * @param clientProperties connection settings of the Kafka clients (bootstrap servers, security)
   * @throws PublisherException when the topic is missing, a record cannot be read, or the end is
   *     not reached within {@code timeout}
   */
  public static SortedMap<String, AdapterRelease> readLatest(
      Map<String, Object> clientProperties, Topic<String, AdapterRelease> topic, Duration timeout) {
    Map<String, Object> properties = new HashMap<>(clientProperties);
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    properties.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    SortedMap<String, AdapterRelease> latest = new TreeMap<>();
    try (KafkaConsumer<String, AdapterRelease> consumer =
        new KafkaConsumer<>(
            properties, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic.name(), timeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new PublisherException("Topic " + topic.name() + " does not exist");
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reachedEnd(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new PublisherException(
              "Cannot read " + topic.name() + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, AdapterRelease> record : consumer.poll(POLL)) {
          if (record.value() == null) {
            latest.remove(record.key());
          } else {
            latest.put(record.key(), record.value());
          }
        }
      }
    } catch (SerializationException e) {
      throw new PublisherException(
          "Cannot read " + topic.name() + ": " + e.getMessage() + "; state cannot be rebuilt", e);
    }
    return latest;
  }

  private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream()
        .allMatch(partition -> consumer.position(partition.getKey()) >= partition.getValue());
  }
}
