package dev.perennial.publisher.service;

import dev.perennial.core.PerennialException;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.publisher.PublisherException;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterRelease;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads {@code releases.v1} from the beginning to its end ({@link TopicReader}: committed records
 * only, no consumer group) and keeps the latest record of each key: every key's current state,
 * since each record carries the whole state after its action.
 */
public final class ReleaseLog {

  private ReleaseLog() {}

  /**
   * @param clientProperties connection settings of the Kafka clients (bootstrap servers, security)
   * @throws PublisherException when the topic is missing, a record cannot be read, or the end is
   *     not reached within {@code timeout}
   */
  public static SortedMap<String, AdapterRelease> readLatest(
      Map<String, Object> clientProperties, Topic<String, AdapterRelease> topic, Duration timeout) {
    try {
      return TopicReader.readLatest(
          clientProperties,
          topic.name(),
          topic.keySerde().deserializer(),
          topic.valueSerde().deserializer(),
          timeout);
    } catch (SerializationException e) {
      throw new PublisherException(
          "Cannot read " + topic.name() + ": " + e.getMessage() + "; state cannot be rebuilt", e);
    } catch (PerennialException e) {
      throw new PublisherException(e.getMessage() + "; state cannot be rebuilt", e);
    }
  }
}
