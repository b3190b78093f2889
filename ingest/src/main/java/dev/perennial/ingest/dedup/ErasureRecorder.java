package dev.perennial.ingest.dedup;

import dev.perennial.schemas.v1.ErasureRequest;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Remembers each erasure request in the dedup store for the dedup window, so that the {@link
 * Deduplicator} no longer counts the subject's earlier admissions: their examples are erased, and
 * an event the app sends again once consent is granted again is the only copy. Keyed by tenant and
 * pseudonym, never the raw subject id; written in the transaction that writes the erasure request.
 * Forwards every request unchanged.
 */
public final class ErasureRecorder
    implements FixedKeyProcessor<String, ErasureRequest, ErasureRequest> {

  private final String storeName;
  private FixedKeyProcessorContext<String, ErasureRequest> context;
  private WindowStore<String, String> store;

  /**
   * @param storeName the {@link Deduplicator}'s store
   */
  public ErasureRecorder(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ErasureRequest> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(FixedKeyRecord<String, ErasureRequest> record) {
    ErasureRequest erasure = record.value();
    store.put(
        DedupEntries.erasureKey(erasure.getTenant(), erasure.getSubjectPseudonym()),
        DedupEntries.erasure(erasure.getSource()),
        context.currentSystemTimeMs());
    context.forward(record);
  }
}
