package dev.perennial.cli.local;

import dev.perennial.core.kafka.TopicReader;
import dev.perennial.schemas.topic.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A Perennial topic's committed records from the beginning to its current end, without a group. */
public final class TopicRecords {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private TopicRecords() {}

  /**
   * Every committed record of {@code topic} up to its end offsets at the time of the call.
   *
   * @param clientProperties bootstrap servers and security settings
   */
  public static <V> List<ConsumerRecord<String, V>> readAll(
      Map<String, Object> clientProperties, Topic<String, V> topic) {
    return TopicReader.readRecords(
        clientProperties,
        topic.name(),
        topic.keySerde().deserializer(),
        topic.valueSerde().deserializer(),
        TIMEOUT);
  }
}
