package dev.perennial.schemas.privacy;

import java.util.Optional;
import javax.crypto.SecretKey;

/** Where a stage that decrypts example content finds subjects' data keys. */
public interface SubjectKeys {

  /**
   * The subject's data key with this id; empty when the subject has no such key (it was erased).
   */
  Optional<SecretKey> dataKey(String tenant, String subjectPseudonym, String keyId);

  /** Drops whatever is held of the subject's keys (an erasure); a later lookup finds none. */
  void forget(String tenant, String subjectPseudonym);

  /** Applies every key change (tombstones above all) made so far; nothing to do by default. */
  default void refresh() {}
}
