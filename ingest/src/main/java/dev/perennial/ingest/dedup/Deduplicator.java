package dev.perennial.ingest.dedup;

import dev.perennial.ingest.deadletter.Rejection;
import dev.perennial.ingest.deadletter.Rejections;
import dev.perennial.ingest.event.Outcome;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
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
 * be sent again under the same id once that is fixed. Nor does an admission count once its subject
 * was erased after it (a revocation or a deleted consent record, remembered by the {@link
 * ErasureRecorder}): its example is erased with the subject's data key, so the event sent again
 * under a new grant is admitted as the only copy, and remembered in turn. A new grant without an
 * erasure before it changes nothing: the first copy is still there. Duplicates are recognized
 * within a partition, which holds every record of one key: a retry or a re-send of the same event
 * has the same key, and its subject's consent records are in the same partition.
 *
 * <p>The store's records: {@link DedupEntries}.
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
    String eventKey = DedupEntries.admissionKey(example);
    long now = context.currentSystemTimeMs();
    String first = liveAdmission(eventKey, example, now);
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
    admitted.put(eventKey, DedupEntries.admission(example), now);
    context.forward(record);
  }

  /**
   * Where the event was first admitted within the window before {@code now} without its subject
   * being erased since; null if nowhere.
   */
  private String liveAdmission(String eventKey, TrainingExample example, long now) {
    long from = Math.max(0, now - window.toMillis());
    List<DedupEntries.Erasure> erasures = null;
    try (WindowStoreIterator<String> seen = admitted.fetch(eventKey, from, now)) {
      while (seen.hasNext()) {
        KeyValue<Long, String> admission = seen.next();
        if (erasures == null) {
          // Read only for a repeated event: a first admission costs one lookup, as before.
          erasures = erasures(example, from, now);
        }
        if (!DedupEntries.erased(admission.value, admission.key, erasures)) {
          return DedupEntries.admittedRecord(admission.value);
        }
      }
    }
    return null;
  }

  /** The erasures of the example's subject within the window. */
  private List<DedupEntries.Erasure> erasures(TrainingExample example, long from, long now) {
    List<DedupEntries.Erasure> erasures = new ArrayList<>();
    try (WindowStoreIterator<String> erased =
        admitted.fetch(
            DedupEntries.erasureKey(example.getTenant(), example.getSubjectPseudonym()),
            from,
            now)) {
      erased.forEachRemaining(
          erasure -> erasures.add(new DedupEntries.Erasure(erasure.value, erasure.key)));
    }
    return erasures;
  }
}
