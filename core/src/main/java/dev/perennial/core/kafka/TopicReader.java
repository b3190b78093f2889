package dev.perennial.core.kafka;

import dev.perennial.core.PerennialException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a topic as it stands: every committed record from the beginning of each partition up to the
 * end offsets at the time of the call, without a consumer group (nothing is committed). For reports
 * and tests, not for processing.
 */
public final class TopicReader {

  private static final Duration POLL = Duration.ofMillis(100);

  private TopicReader() {}

  /**
   * The values of every committed record of {@code topic}, partition by partition.
   *
   * @param clientProperties how to reach the broker; a group id among them is ignored
   * @throws PerennialException when the ends are not reached within {@code timeout}
   */
  public static <K, V> List<V> readAll(
      Map<String, Object> clientProperties,
      String topic,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      Duration timeout) {
    return readRecords(clientProperties, topic, keyDeserializer, valueDeserializer, timeout)
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  /**
   * The latest committed value of every key of {@code topic}, a compacted topic's current state: a
   * tombstone removes its key.
   *
   * @param clientProperties how to reach the broker; a group id among them is ignored
   * @throws PerennialException when the topic does not exist or the ends are not reached within
   *     {@code timeout}
   */
  public static <K extends Comparable<K>, V> SortedMap<K, V> readLatest(
      Map<String, Object> clientProperties,
      String topic,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      Duration timeout) {
    SortedMap<K, V> latest = new TreeMap<>();
    for (ConsumerRecord<K, V> record :
        readRecords(clientProperties, topic, keyDeserializer, valueDeserializer, timeout)) {
      if (record.value() == null) {
        latest.remove(record.key());
      } else {
        latest.put(record.key(), record.value());
      }
    }
    return latest;
  }

  /**
   * Every committed record of {@code topic} (keys, values, positions), partition by partition.
   *
   * @param clientProperties how to reach the broker; a group id among them is ignored
   * @throws PerennialException when the topic does not exist or the ends are not reached within
   *     {@code timeout}
   */
  public static <K, V> List<ConsumerRecord<K, V>> readRecords(
      Map<String, Object> clientProperties,
      String topic,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer,
      Duration timeout) {
    Map<String, Object> properties = new HashMap<>(clientProperties);
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer =
        new KafkaConsumer<>(properties, keyDeserializer, valueDeserializer)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new PerennialException("Topic " + topic + " does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new PerennialException(
              "Timed out reading " + topic + " to its end within " + timeout);
        }
        consumer.poll(POLL).forEach(records::add);
      }
    }
    return records;
  }
}
