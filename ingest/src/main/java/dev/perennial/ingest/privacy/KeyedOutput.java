package dev.perennial.ingest.privacy;

import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;

/**
 * What ingest's key steps emit, each to its own topic: an encrypted example, an erasure request, or
 * a change of {@code subject-keys.v1} (a new or re-wrapped key, or a tombstone; its record key is
 * {@code tenant/pseudonym}).
 */
public sealed interface KeyedOutput {

  /** An example whose content is encrypted, still keyed {@code tenant/subject}. */
  record Example(TrainingExample example) implements KeyedOutput {}

  /** An erasure request, keyed {@code tenant/pseudonym}. */
  record Erasure(ErasureRequest request) implements KeyedOutput {}

  /** A key record; null is a tombstone (the key is erased, or a roll marker). */
  record KeyChange(SubjectKey key) implements KeyedOutput {}

  default boolean isKeyChange() {
    return this instanceof KeyChange;
  }
}
