package dev.perennial.schemas.serde;

import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryException;
import dev.perennial.schemas.registry.UnusableSchemaException;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why a record could not be read: the one rule every stage applies to a deserialization failure.
 *
 * <ul>
 *   <li>{@link #OUTAGE}: the schema registry did not answer, answered with an error (5xx), refused
 *       the credentials or gave back nonsense. That says nothing about the record, which may be
 *       good: the stage retries it with a bounded backoff, never commits past it, and reports not
 *       ready while the outage lasts.
 *   <li>{@link #UNKNOWN_SCHEMA}: the registry answered that the record's schema id does not exist,
 *       or that it names a schema Avro cannot use (a JSON or Protobuf schema, or one Avro does not
 *       parse).
 *   <li>{@link #CORRUPT}: the bytes are no record of the topic's contract (wrong magic byte,
 *       truncated or corrupt Avro, an impossible length, a writer schema the reader cannot read or
 *       that gives a value another logical type, such as timestamp-micros for timestamp-millis).
 * </ul>
 *
 * The last two are bad records: a stage dead-letters them (ingest) or skips them with a reason, and
 * counts them.
 */
public enum ReadFailure {
  OUTAGE,
  UNKNOWN_SCHEMA,
  CORRUPT;

  private static final Logger log = LoggerFactory.getLogger(ReadFailure.class);

  /** What {@code failure} (a deserializer's exception, or one that wraps it) means. */
  public static ReadFailure of(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SchemaNotFoundException || cause instanceof UnusableSchemaException) {
        return UNKNOWN_SCHEMA;
      }
      if (cause instanceof SchemaRegistryException registryFailure) {
        return registryFailure.unavailable() ? OUTAGE : CORRUPT;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return CORRUPT;
  }

  /** Whether {@code failure} comes from a registry outage, so the record must be tried again. */
  public static boolean isOutage(Throwable failure) {
    return of(failure) == OUTAGE;
  }

  /** Whether the record itself is bad (dead-letter or skip it, with a reason, and count it). */
  public boolean badRecord() {
    return this != OUTAGE;
  }

  /**
   * Why {@code consumer}'s poll could not read a record: a bad record's failure, for the caller to
   * move past it; an outage is thrown, the consumer set back to the record so the next poll reads
   * it again.
   */
  public static ReadFailure ofPolled(Consumer<?, ?> consumer, RecordDeserializationException e) {
    ReadFailure failure = of(e);
    if (failure == OUTAGE) {
      consumer.seek(e.topicPartition(), e.offset());
      throw e;
    }
    return failure;
  }

  /**
   * Polls a consumer whose deserializers may fail on a record. A bad record is logged as an
   * unreadable {@code recordName}, {@code skipped} runs (to count it) and the consumer moves past
   * it; an outage is thrown, and the consumer stays at the record, so the next poll reads it again.
   */
  public static <K, V> ConsumerRecords<K, V> poll(
      Consumer<K, V> consumer, Duration timeout, String recordName, Runnable skipped) {
    try {
      return consumer.poll(timeout);
    } catch (RecordDeserializationException e) {
      ReadFailure failure = ofPolled(consumer, e);
      log.error(
          "Skipping unreadable {} {}-{}@{} ({}): {}",
          recordName,
          e.topicPartition().topic(),
          e.topicPartition().partition(),
          e.offset(),
          failure,
          e.getMessage());
      skipped.run();
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return ConsumerRecords.empty();
    }
  }
}
