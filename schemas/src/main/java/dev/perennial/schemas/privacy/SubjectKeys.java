package dev.perennial.schemas.privacy;

import java.util.Optional;
import javax.crypto.SecretKey;

/** Where a stage that decrypts example content finds subjects' data keys. */
public interface SubjectKeys {

  /** What a lookup of one data key found. */
  sealed interface Lookup {}

  /** The key. */
  record Found(SecretKey dataKey) implements Lookup {}

  /**
   * The key was erased: its record was tombstoned or forgotten, or the subject has another key
   * since (only an erasure makes a subject a new one).
   */
  record Erased() implements Lookup {}

  /**
   * Neither the key nor its erasure is known: the key log is not the one ingest writes, not read
   * far enough, or lost. Never to be taken for an erasure.
   */
  record Missing() implements Lookup {}

  /** The subject's data key with this id, or why there is none. */
  Lookup lookup(String tenant, String subjectPseudonym, String keyId);

  /** The subject's data key with this id; empty when it was erased or is missing. */
  default Optional<SecretKey> dataKey(String tenant, String subjectPseudonym, String keyId) {
    return lookup(tenant, subjectPseudonym, keyId) instanceof Found found
        ? Optional.of(found.dataKey())
        : Optional.empty();
  }

  /** Drops whatever is held of the subject's keys (an erasure); a later lookup finds it erased. */
  void forget(String tenant, String subjectPseudonym);

  /** Applies every key change (tombstones above all) made so far; nothing to do by default. */
  default void refresh() {}
}
