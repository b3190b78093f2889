package dev.perennial.schemas.privacy;

import dev.perennial.core.PerennialException;

/**
 * An encrypted example whose subject's data key is neither in {@code subject-keys.v1} nor known to
 * be erased, and may still come ({@link SubjectKeys.Missing}: a transaction of the key's writer not
 * yet decided): the example must wait for its key, never be dropped.
 */
public final class SubjectKeyMissingException extends PerennialException {

  public SubjectKeyMissingException(String message) {
    super(message);
  }
}
