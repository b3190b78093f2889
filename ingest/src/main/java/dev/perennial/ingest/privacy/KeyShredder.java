package dev.perennial.ingest.privacy;

import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SubjectKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Erases the data key of a subject whose consent was revoked: deletes it from the {@link
 * SubjectKeyStore}, lets its unwrapped copy go from the task's {@link DataKeyCache}, and writes its
 * tombstone to {@code subject-keys.v1}, in the transaction that writes the erasure request. From
 * then on no copy of the subject's encrypted content anywhere in Kafka can be read; compaction
 * removes the wrapped key from both logs within the documented bound. A later grant gets a new key
 * on the subject's next example.
 */
public final class KeyShredder implements Processor<String, ErasureRequest, String, KeyedOutput> {

  private final IngestMetrics metrics;
  private ProcessorContext<String, KeyedOutput> context;
  private SubjectKeyStore keys;
  private DataKeyCache dataKeys;

  public KeyShredder(IngestMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, KeyedOutput> context) {
    this.context = context;
    this.keys = new SubjectKeyStore(context.getStateStore(SubjectKeyStore.NAME));
    this.dataKeys = context.getStateStore(DataKeyCache.NAME);
  }

  /** {@code record} is keyed {@code tenant/pseudonym}, the key of the subject's key record. */
  @Override
  public void process(Record<String, ErasureRequest> record) {
    SubjectKey erased = keys.get(record.key());
    keys.delete(record.key());
    context.forward(record.withValue(new KeyedOutput.KeyChange(null)));
    context.forward(record.withValue(new KeyedOutput.Erasure(record.value())));
    if (erased != null) {
      dataKeys.evict(erased.getKeyId());
      metrics.keyErased(record.value().getTenant());
    }
  }
}
