package dev.perennial.core.store;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;

/** A stored blob's content no longer matches its digest (disk corruption, tampering). */
public class CorruptArtifactException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public CorruptArtifactException(Digest expected, Digest actual, String location) {
    super(
        "Artifact "
            + expected
            + " at "
            + location
            + " is corrupt: its content has digest "
            + actual);
  }
}
