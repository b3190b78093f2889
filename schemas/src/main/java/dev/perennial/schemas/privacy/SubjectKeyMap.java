package dev.perennial.schemas.privacy;

import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.schemas.v1.SubjectKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Subjects' data keys from records at hand (a topic read in a test or a report, a topology test's
 * output): {@link #apply} each {@code subject-keys.v1} record in order, tombstones included. Not
 * thread-safe.
 */
public final class SubjectKeyMap implements SubjectKeys {

  private final MasterKeys masterKeys;
  private final Map<String, SubjectKey> records = new HashMap<>();

  public SubjectKeyMap(MasterKeys masterKeys) {
    this.masterKeys = masterKeys;
  }

  /** Applies one record of the key topic: a key, or a tombstone (null) that erases it. */
  public SubjectKeyMap apply(String recordKey, SubjectKey record) {
    if (record == null) {
      records.remove(recordKey);
    } else {
      records.put(recordKey, record);
    }
    return this;
  }

  @Override
  public Optional<SecretKey> dataKey(String tenant, String subjectPseudonym, String keyId) {
    SubjectKey record = records.get(SubjectKeyRecords.recordKey(tenant, subjectPseudonym));
    if (record == null || !record.getKeyId().equals(keyId)) {
      return Optional.empty();
    }
    return Optional.of(SubjectKeyRecords.unwrap(masterKeys, record));
  }

  @Override
  public void forget(String tenant, String subjectPseudonym) {
    records.remove(SubjectKeyRecords.recordKey(tenant, subjectPseudonym));
  }
}
