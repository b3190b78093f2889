package dev.perennial.trainer.testing;

import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleCrypto;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Examples encrypted as ingest does: with their subject's data key, made under {@link
 * TestConfig#masterKeys()} with the subject's first example and written to the key log then.
 */
public final class IngestKeys {

  private final SubjectKeyMap keyLog;
  private final Instant createdAt;
  private final Map<String, SubjectKeyRecords.NewKey> made = new HashMap<>();

  /** Keys written to {@code keyLog}, each created at {@code createdAt}. */
  public IngestKeys(SubjectKeyMap keyLog, Instant createdAt) {
    this.keyLog = keyLog;
    this.createdAt = createdAt;
  }

  /** {@code example} encrypted with its subject's key, made and written on first use. */
  public TrainingExample encrypted(TrainingExample example) {
    SubjectKeyRecords.NewKey key =
        made.computeIfAbsent(
            SubjectKeyRecords.recordKey(example.getTenant(), example.getSubjectPseudonym()),
            recordKey -> {
              SubjectKeyRecords.NewKey created =
                  SubjectKeyRecords.create(
                      TestConfig.masterKeys(),
                      example.getTenant(),
                      example.getSubjectPseudonym(),
                      createdAt);
              keyLog.apply(recordKey, created.record());
              return created;
            });
    return ExampleCrypto.encrypt(example, key.record().getKeyId(), key.dataKey());
  }

  /** The key made for the subject of key-log key {@code recordKey}; null if none was. */
  public SubjectKeyRecords.NewKey made(String recordKey) {
    return made.get(recordKey);
  }
}
