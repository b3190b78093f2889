package dev.perennial.cli.sample;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.RejectReason;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record of a sample stream: where it goes, its key, its value (serialized at send time, then
 * spoiled by its {@link Corruption}), and what ingest must make of it.
 *
 * @param value the record to serialize; for {@link Corruption#RANDOM_BYTES} only its size matters
 */
public record SampleRecord(
    SamplePhase phase,
    PerennialTopic topic,
    String key,
    SpecificRecord value,
    Corruption corruption,
    Expected expected) {

  public SampleRecord {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(corruption, "corruption");
    Objects.requireNonNull(expected, "expected");
  }

  /** The app's event id of a document or feedback; null for a consent record. */
  public String eventId() {
    if (value instanceof Document document) {
      return document.getEventId();
    }
    if (value instanceof Feedback feedback) {
      return feedback.getEventId();
    }
    return null;
  }

  /** What happens to the serialized bytes before they are sent. */
  public enum Corruption {
    NONE,
    RANDOM_BYTES,
    WRONG_MAGIC_BYTE,
    UNKNOWN_SCHEMA_ID
  }

  /**
   * What ingest makes of the record: an example for an adapter key, a rejection for a reason, or,
   * for a consent record, no output at all.
   */
  public record Expected(String adapterKey, ExampleKind kind, RejectReason reason) {

    public static Expected example(String adapterKey, ExampleKind kind) {
      return new Expected(Objects.requireNonNull(adapterKey), Objects.requireNonNull(kind), null);
    }

    public static Expected rejection(RejectReason reason) {
      return new Expected(null, null, Objects.requireNonNull(reason));
    }

    public static Expected consentOnly() {
      return new Expected(null, null, null);
    }

    public boolean isExample() {
      return adapterKey != null;
    }

    public boolean isRejection() {
      return reason != null;
    }
  }
}
