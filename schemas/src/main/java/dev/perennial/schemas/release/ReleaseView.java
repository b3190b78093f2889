package dev.perennial.schemas.release;

import dev.perennial.schemas.SchemasException;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterRelease;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest {@code releases.v1} record of every adapter key, read by a consumer of its own (no
 * group, every partition, committed records only) and brought up to date ({@link #refresh()})
 * before each use: the trainer worker's next job starts from a key's stable release, the evaluator
 * compares a candidate with it.
 */
public final class ReleaseView implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReleaseView.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<String, AdapterRelease> consumer;
  private final Map<String, AdapterRelease> latest = new HashMap<>();
  private final Duration timeout;

  public ReleaseView(
      Map<String, Object> consumerProperties,
      Topic<String, AdapterRelease> releases,
      Duration timeout) {
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties,
            releases.keySerde().deserializer(),
            releases.valueSerde().deserializer());
    this.timeout = timeout;
    List<PartitionInfo> partitions = consumer.partitionsFor(releases.name(), timeout);
    List<TopicPartition> assigned =
        partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(assigned);
    consumer.seekToBeginning(assigned);
  }

  /**
   * Reads every record committed so far; an unreadable record is logged and skipped.
   *
   * @throws RecordDeserializationException when the schema registry is unavailable ({@link
   *     ReadFailure#OUTAGE}): try again later
   */
  public void refresh() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!caughtUp(ends)) {
      if (System.nanoTime() > deadline) {
        throw new SchemasException("Could not read releases.v1 to its end within " + timeout);
      }
      for (ConsumerRecord<String, AdapterRelease> record :
          ReadFailure.poll(consumer, POLL, "release", () -> {})) {
        if (record.value() == null) {
          latest.remove(record.key());
        } else {
          latest.put(record.value().getAdapterKey(), record.value());
        }
      }
    }
  }

  private boolean caughtUp(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey(), timeout) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The key's latest release record, if it has one. */
  public Optional<AdapterRelease> latest(String adapterKey) {
    return Optional.ofNullable(latest.get(adapterKey));
  }

  /** Every key's latest release record, by key. */
  public Map<String, AdapterRelease> all() {
    return Map.copyOf(latest);
  }

  /** The key's stable release on the base with the given digest, if it has one. */
  public Optional<StableRelease> stable(String adapterKey, String baseDigest) {
    AdapterRelease release = latest.get(adapterKey);
    return release == null ? Optional.empty() : StableRelease.of(release, baseDigest);
  }

  /** The key's stable releases on every base other than the one with the given digest. */
  public List<StableRelease> stableOnOtherBases(String adapterKey, String baseDigest) {
    AdapterRelease release = latest.get(adapterKey);
    return release == null ? List.of() : StableRelease.onOtherBases(release, baseDigest);
  }

  /** The key's stable release on its newest base, if it has one. */
  public Optional<StableRelease> stable(String adapterKey) {
    AdapterRelease release = latest.get(adapterKey);
    if (release == null) {
      return Optional.empty();
    }
    Optional<StableRelease> stable = StableRelease.of(release);
    if (stable.isEmpty()) {
      log.debug("{} has releases but no stable alias", adapterKey);
    }
    return stable;
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
