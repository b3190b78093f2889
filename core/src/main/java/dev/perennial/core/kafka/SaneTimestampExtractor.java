package dev.perennial.core.kafka;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record time for every Perennial Streams application, which no record can break: a record's own
 * timestamp when it is sane, not before {@link #EARLIEST} (2000-01-01) and at most {@link
 * #MAX_AHEAD} ahead of the wall clock; otherwise the wall-clock time at which the record is read.
 *
 * <p>Streams' default fails on a negative timestamp (one record from any producer stops the
 * application), and a timestamp years ahead would push stream time so far that every windowed store
 * would drop what it holds. Record timestamps decide nothing about a record's fate in Perennial (an
 * event's own time is its {@code occurredAt}, which ingest checks) but the order in which a task
 * processes records it has buffered from several topics: an app event whose timestamp is older than
 * a consent change buffered beside it is joined with the consent as it stood before that change (a
 * revocation's erasure and shredded key still reach the example). The fallback only orders such a
 * record where it was read.
 */
public final class SaneTimestampExtractor implements TimestampExtractor {

  /** The earliest record time taken as it is. */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /** How far ahead of the wall clock a record time may be and still be taken as it is. */
  public static final Duration MAX_AHEAD = Duration.ofDays(1);

  private static final Logger log = LoggerFactory.getLogger(SaneTimestampExtractor.class);
  private static final long EARLIEST_MILLIS = EARLIEST.toEpochMilli();

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long timestamp = record.timestamp();
    long now = System.currentTimeMillis();
    if (timestamp >= EARLIEST_MILLIS && timestamp <= now + MAX_AHEAD.toMillis()) {
      return timestamp;
    }
    log.debug(
        "Record {}-{}@{} has timestamp {}, outside [{}, now + {}]; using the time it is read",
        record.topic(),
        record.partition(),
        record.offset(),
        timestamp,
        EARLIEST,
        MAX_AHEAD);
    return now;
  }
}
