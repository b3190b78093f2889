package dev.perennial.ingest.privacy;

import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.schemas.privacy.ExampleCrypto;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.crypto.SecretKey;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts each admitted example with its subject's data key ({@link ExampleCrypto}), making the
 * key on the subject's first example: a random AES-256 key, wrapped by the current master key, put
 * into the {@link SubjectKeyStore} and written to {@code subject-keys.v1} in the transaction that
 * writes the example, so a reader that sees the example can find its key; keys in use stay
 * unwrapped in the task's bounded {@link DataKeyCache}. Every half maximum compaction lag it
 * appends a {@link RollMarkers roll marker} to both key logs and re-wraps keys still wrapped by a
 * retired master key (a bounded number per run).
 */
public final class ExampleEncryptor
    implements Processor<String, TrainingExample, String, KeyedOutput> {

  private static final Logger log = LoggerFactory.getLogger(ExampleEncryptor.class);
  static final int REWRAPS_PER_RUN = 1000;

  private final MasterKeys masterKeys;
  private final Duration rollInterval;
  private final IngestMetrics metrics;
  private DataKeyCache dataKeys;
  private ProcessorContext<String, KeyedOutput> context;
  private SubjectKeyStore keys;

  /**
   * @param rollInterval how often roll markers are appended: half the key logs' maximum compaction
   *     lag
   */
  public ExampleEncryptor(MasterKeys masterKeys, Duration rollInterval, IngestMetrics metrics) {
    this.masterKeys = masterKeys;
    this.rollInterval = rollInterval;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, KeyedOutput> context) {
    this.context = context;
    this.keys = new SubjectKeyStore(context.getStateStore(SubjectKeyStore.NAME));
    this.dataKeys = context.getStateStore(DataKeyCache.NAME);
    context.schedule(rollInterval, PunctuationType.WALL_CLOCK_TIME, this::maintain);
  }

  @Override
  public void process(Record<String, TrainingExample> record) {
    TrainingExample example = record.value();
    String recordKey =
        SubjectKeyRecords.recordKey(example.getTenant(), example.getSubjectPseudonym());
    SubjectKey key = keys.get(recordKey);
    SecretKey dataKey;
    if (key == null) {
      SubjectKeyRecords.NewKey created =
          SubjectKeyRecords.create(
              masterKeys,
              example.getTenant(),
              example.getSubjectPseudonym(),
              Instant.ofEpochMilli(context.currentSystemTimeMs()));
      key = created.record();
      dataKey = created.dataKey();
      keys.put(key);
      dataKeys.put(key.getKeyId(), dataKey);
      context.forward(new Record<>(recordKey, new KeyedOutput.KeyChange(key), record.timestamp()));
      metrics.keyCreated(example.getTenant());
    } else {
      SubjectKey stored = key;
      dataKey = dataKeys.get(key.getKeyId(), id -> SubjectKeyRecords.unwrap(masterKeys, stored));
    }
    context.forward(
        record.withValue(
            new KeyedOutput.Example(ExampleCrypto.encrypt(example, key.getKeyId(), dataKey))));
  }

  /** Roll markers on both key logs, then a batch of re-wraps under the current master key. */
  void maintain(long now) {
    keys.delete(RollMarkers.KEY);
    context.forward(new Record<>(RollMarkers.KEY, new KeyedOutput.KeyChange(null), now));
    List<SubjectKey> retired = keys.wrappedByOthers(masterKeys.currentId(), REWRAPS_PER_RUN);
    for (SubjectKey key : retired) {
      SubjectKey rewrapped = SubjectKeyRecords.rewrap(masterKeys, key);
      keys.put(rewrapped);
      context.forward(
          new Record<>(
              SubjectKeyStore.recordKey(rewrapped), new KeyedOutput.KeyChange(rewrapped), now));
    }
    if (!retired.isEmpty()) {
      metrics.keysRewrapped(retired.size());
      log.info(
          "Re-wrapped {} data keys under master key {} (at most {} per run)",
          retired.size(),
          masterKeys.currentId(),
          REWRAPS_PER_RUN);
    }
  }
}
