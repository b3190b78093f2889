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
   * Neither the key nor its erasure is known yet, and the key may still come: a writer's
   * transaction that holds it is not decided yet, or the key log was not read far enough. Never to
   * be taken for an erasure; the example waits.
   */
  record Missing() implements Lookup {}

  /**
   * Neither the key nor its erasure is in the key log, read to its end past every transaction open
   * on it after the example was read: since ingest writes a subject's key in the transaction of the
   * first example encrypted under it (or before), the key never will be. The example was not
   * written by ingest (forged), or its subject's erasure is no longer in the log (compaction
   * removed the tombstone before the log was read again). Its content cannot be opened.
   */
  record Absent() implements Lookup {}

  /** The subject's data key with this id, or why there is none. */
  Lookup lookup(String tenant, String subjectPseudonym, String keyId);

  /** The subject's data key with this id; empty when it was erased or is missing. */
  default Optional<SecretKey> dataKey(String tenant, String subjectPseudonym, String keyId) {
    return lookup(tenant, subjectPseudonym, keyId) instanceof Found found
        ? Optional.of(found.dataKey())
        : Optional.empty();
  }

  /**
   * Whether the subject was erased as far as is known: a tombstone of theirs was read from the key
   * log (while compaction left it there), or {@link #forget} was called. A later grant's key does
   * not undo it.
   */
  boolean wasErased(String tenant, String subjectPseudonym);

  /** Drops whatever is held of the subject's keys (an erasure); a later lookup finds it erased. */
  void forget(String tenant, String subjectPseudonym);

  /** Applies every key change (tombstones above all) made so far; nothing to do by default. */
  default void refresh() {}
}
