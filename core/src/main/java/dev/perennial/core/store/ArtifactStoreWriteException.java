package dev.perennial.core.store;

import dev.perennial.core.PerennialException;

/**
 * The store takes no write (its folder missing, read-only or full): an outage of the store, never
 * the fault of what was being written. A stage that meets it stops rather than give up the record
 * it was working on, so that the record is worked again once the store takes writes.
 */
public class ArtifactStoreWriteException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public ArtifactStoreWriteException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code failure} or one of its causes is a write the store did not take. */
  public static boolean isCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ArtifactStoreWriteException) {
        return true;
      }
    }
    return false;
  }
}
