package dev.perennial.ingest.dedup;

import dev.perennial.ingest.deadletter.Rejection;
import dev.perennial.ingest.deadletter.Rejections;
import dev.perennial.ingest.event.Outcome;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Turns the second and later examples of one event into {@code DUPLICATE} rejections, so producer
 * retries and re-sent events never become double training data. An event is the same when its
 * source topic, tenant and event id are; it is remembered for the dedup window after ingest
 * admitted it, measured on ingest's clock (a window store keyed by the time of admission, whose
 * retention bounds its size). The record's own timestamp plays no part: a backfill that keeps its
 * events' old timestamps, or a producer that sets any timestamp at all, is deduplicated all the
 * same.
 *
 * <p>Only admitted events are remembered: an event rejected for missing consent or a bad field may
 * be sent again under the same id once that is fixed. Duplicates are recognized within a partition,
 * which holds every record of one key: a retry or a re-send of the same event has the same key.
 */
public final class Deduplicator implements FixedKeyProcessor<String, Outcome, Outcome> {

  private final String storeName;
  private final Duration window;
  private FixedKeyProcessorContext<String, Outcome> context;
  private WindowStore<String, String> admitted;

  /**
   * @param storeName a window store of String keys and values with a retention of at least {@code
   *     window}
   */
  public Deduplicator(String storeName, Duration window) {
    this.storeName = storeName;
    this.window = window;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Outcome> context) {
    this.context = context;
    this.admitted = context.getStateStore(storeName);
  }

  @Override
  public void process(FixedKeyRecord<String, Outcome> record) {
    TrainingExample example = record.value().example();
    if (example == null) {
      context.forward(record);
      return;
    }
    String eventKey =
        example.getSource().getTopic() + "|" + example.getTenant() + "|" + example.getEventId();
    long now = context.currentSystemTimeMs();
    String first = firstAdmission(eventKey, now);
    if (first != null) {
      Rejection duplicate =
          Rejection.of(
              RejectReason.DUPLICATE,
              "the event was already admitted from "
                  + first
                  + " within the dedup window of "
                  + window);
      context.forward(
          record.withValue(
              Outcome.rejected(
                  Rejections.withoutContent(
                      example.getSource(),
                      duplicate,
                      example.getTenant(),
                      example.getEventId(),
                      Instant.ofEpochMilli(now)))));
      return;
    }
    admitted.put(eventKey, describe(example.getSource()), now);
    context.forward(record);
  }

  /** Where the event was first admitted, if that was within the window before {@code now}. */
  private String firstAdmission(String eventKey, long now) {
    try (WindowStoreIterator<String> seen =
        admitted.fetch(eventKey, Math.max(0, now - window.toMillis()), now)) {
      return seen.hasNext() ? seen.next().value : null;
    }
  }

  private static String describe(SourceRef source) {
    return source.getTopic() + "-" + source.getPartition() + "@" + source.getOffset();
  }
}
