package dev.perennial.publisher.service;

import dev.perennial.core.PerennialException;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.publisher.PublisherException;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterRelease;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code releases.v1} from the beginning to its end ({@link TopicReader}: committed records
 * only, no consumer group) and keeps the latest record of each key: every key's current state,
 * since each record carries the whole state after its action. Values are read as bytes and decoded
 * by {@link ReleaseLogReplay}, so an unreadable record is skipped rather than stopping the read.
 */
public final class ReleaseLog {

  private ReleaseLog() {}

  /**
   * Waits out a schema registry outage.
   *
   * @param clientProperties connection settings of the Kafka clients (bootstrap servers, security)
   * @throws PublisherException when the topic is missing or the end is not reached within {@code
   *     timeout}
   */
  static ReleaseLogReplay.Result readLatest(
      Map<String, Object> clientProperties, Topic<String, AdapterRelease> topic, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records;
    try {
      records =
          TopicReader.readRecords(
              clientProperties,
              topic.name(),
              topic.keySerde().deserializer(),
              new ByteArrayDeserializer(),
              timeout);
    } catch (PerennialException e) {
      throw new PublisherException(e.getMessage() + "; state cannot be rebuilt", e);
    }
    ReleaseLogReplay replay =
        new ReleaseLogReplay(
            topic.valueSerde().deserializer(), pause -> Thread.sleep(pause.toMillis()));
    records.forEach(replay::apply);
    return replay.result();
  }
}
