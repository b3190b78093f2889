package dev.perennial.core.store;

/**
 * The store takes no write (its folder missing, read-only or full): an outage of the store, never
 * the fault of what was being written. A stage that meets it stops rather than give up the record
 * it was working on, so that the record is worked again once the store takes writes.
 */
public class ArtifactStoreWriteException extends ArtifactStoreOutageException {

  private static final long serialVersionUID = 1L;

  public ArtifactStoreWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
