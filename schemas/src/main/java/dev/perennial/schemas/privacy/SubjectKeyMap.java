package dev.perennial.schemas.privacy;

import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.schemas.v1.SubjectKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Subjects' data keys from records at hand (a topic read in a test or a report, a topology test's
 * output): {@link #apply} each {@code subject-keys.v1} record in order, tombstones included (a
 * subject tombstoned or forgotten is erased). The records at hand are the whole log: a subject
 * never seen is absent, unless {@link #inFlight} says its key is still to come (then it is
 * missing). Not thread-safe.
 */
public final class SubjectKeyMap implements SubjectKeys {

  private final MasterKeys masterKeys;
  private final Map<String, SubjectKey> records = new HashMap<>();
  private final Set<String> erased = new HashSet<>();

  /** Subjects whose key was applied after a tombstone of theirs: a later grant's key. */
  private final Set<String> renewed = new HashSet<>();

  /** Subjects whose key was written in a transaction not decided yet. */
  private final Set<String> inFlight = new HashSet<>();

  public SubjectKeyMap(MasterKeys masterKeys) {
    this.masterKeys = masterKeys;
  }

  /** Applies one record of the key topic: a key, or a tombstone (null) that erases it. */
  public SubjectKeyMap apply(String recordKey, SubjectKey record) {
    inFlight.remove(recordKey);
    if (record == null) {
      records.remove(recordKey);
      erased.add(recordKey);
      renewed.remove(recordKey);
    } else {
      records.put(recordKey, record);
      if (erased.contains(recordKey)) {
        renewed.add(recordKey);
      }
    }
    return this;
  }

  /**
   * Says that a record of the subject was written in a transaction not decided yet (or not read
   * yet): until a record of the subject is applied, its keys are missing, not absent.
   */
  public SubjectKeyMap inFlight(String recordKey) {
    inFlight.add(recordKey);
    return this;
  }

  @Override
  public Lookup lookup(String tenant, String subjectPseudonym, String keyId) {
    String recordKey = SubjectKeyRecords.recordKey(tenant, subjectPseudonym);
    SubjectKey record = records.get(recordKey);
    if (record == null) {
      if (erased.contains(recordKey)) {
        return new Erased();
      }
      return inFlight.contains(recordKey) ? new Missing() : new Absent();
    }
    if (!record.getKeyId().equals(keyId)) {
      return new Erased();
    }
    return new Found(SubjectKeyRecords.unwrap(masterKeys, record));
  }

  @Override
  public boolean wasErased(String tenant, String subjectPseudonym) {
    return erased.contains(SubjectKeyRecords.recordKey(tenant, subjectPseudonym));
  }

  /** As {@link SubjectKeyTopic#forget}: a key applied after the subject's tombstone stays. */
  @Override
  public void forget(String tenant, String subjectPseudonym) {
    String recordKey = SubjectKeyRecords.recordKey(tenant, subjectPseudonym);
    if (!renewed.contains(recordKey)) {
      records.remove(recordKey);
    }
    erased.add(recordKey);
  }
}
