package dev.perennial.schemas.privacy;

import dev.perennial.core.PerennialException;

/**
 * An encrypted example whose subject's data key is {@link SubjectKeys.Absent absent}: neither in
 * {@code subject-keys.v1}, read to its settled end, nor known to be erased. It never will be: the
 * example is a bad record, to be dropped with a reason, never waited for.
 */
public final class SubjectKeyAbsentException extends PerennialException {

  public SubjectKeyAbsentException(String message) {
    super(message);
  }
}
