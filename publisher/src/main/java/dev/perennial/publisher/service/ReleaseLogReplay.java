package dev.perennial.publisher.service;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.service.Backoff;
import dev.perennial.publisher.PublisherException;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.v1.AdapterRelease;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays {@code releases.v1}'s records, in order, into each key's latest release. A record that
 * cannot be read (corrupt, unknown schema, no key) is skipped with a logged reason and counted;
 * while it is its key's latest record, the key's state is unknown, so the key is left out and named
 * for quarantine (a later readable record or tombstone of the key replaces it: each record carries
 * the key's whole state). While the schema registry is unavailable a record is tried again after
 * bounded pauses, for as long as that lasts: an outage says nothing about the record.
 */
final class ReleaseLogReplay {

  private static final Logger log = LoggerFactory.getLogger(ReleaseLogReplay.class);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

  /** Waits between tries of a record while the schema registry is unavailable. */
  interface Pause {
    void sleep(Duration pause) throws InterruptedException;
  }

  /**
   * @param latest every readable key's latest release
   * @param unreadable the keys whose latest record cannot be read, each with why
   * @param skipped how many records were skipped as unreadable
   */
  record Result(
      SortedMap<String, AdapterRelease> latest,
      SortedMap<String, String> unreadable,
      int skipped) {}

  private final Deserializer<AdapterRelease> values;
  private final Pause pause;
  private final SortedMap<String, AdapterRelease> latest = new TreeMap<>();
  private final SortedMap<String, String> unreadable = new TreeMap<>();
  private int skipped;

  ReleaseLogReplay(Deserializer<AdapterRelease> values, Pause pause) {
    this.values = values;
    this.pause = pause;
  }

  void apply(ConsumerRecord<String, byte[]> record) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    if (record.key() == null) {
      skip(record, where, "it has no key");
      return;
    }
    Backoff outage = new Backoff(FIRST_PAUSE, MAX_PAUSE);
    while (true) {
      AdapterRelease release;
      try {
        release =
            record.value() == null ? null : values.deserialize(record.topic(), record.value());
      } catch (RuntimeException e) {
        ReadFailure failure = ReadFailure.of(e);
        if (failure == ReadFailure.OUTAGE) {
          waitOut(outage, where, e);
          continue;
        }
        skip(record, where, "it cannot be read (" + failure + "): " + e.getMessage());
        return;
      }
      unreadable.remove(record.key());
      if (release == null) {
        latest.remove(record.key());
      } else {
        latest.put(record.key(), release);
      }
      return;
    }
  }

  Result result() {
    return new Result(new TreeMap<>(latest), new TreeMap<>(unreadable), skipped);
  }

  private void skip(ConsumerRecord<String, byte[]> record, String where, String why) {
    skipped++;
    log.error(
        "Skipping release record {} of key {}: {}", where, RecordIds.shown(record.key()), why);
    if (record.key() != null) {
      latest.remove(record.key());
      unreadable.put(
          record.key(),
          "its latest " + record.topic() + " record, " + where + ", is skipped: " + why);
    }
  }

  private void waitOut(Backoff outage, String where, RuntimeException failure) {
    Duration next = outage.next();
    log.warn(
        "The schema registry is unavailable; {} waits, retry {} in {} ms: {}",
        where,
        outage.failures(),
        next.toMillis(),
        failure.toString());
    try {
      pause.sleep(next);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublisherException(
          "Interrupted while waiting for the schema registry to read " + where, e);
    }
  }
}
