package dev.perennial.core.store;

import dev.perennial.core.PerennialException;

/**
 * The artifact store itself fails (it takes no write, or holds nothing at all): never the fault of
 * the record a stage was working on. A stage that meets it stops rather than give that record up,
 * so that the record is worked again once the store is back.
 */
public class ArtifactStoreOutageException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public ArtifactStoreOutageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code failure} or one of its causes is an outage of the store. */
  public static boolean isCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ArtifactStoreOutageException) {
        return true;
      }
    }
    return false;
  }
}
