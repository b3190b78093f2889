package dev.perennial.core.store;

/**
 * A blob was asked for in a store that was never written to ({@link LocalArtifactStore#MARKER}
 * missing and no blob there): most likely its volume is not mounted and the folder is the empty
 * mount point, so the blob is not known to be gone. Thrown instead of {@link
 * ArtifactNotFoundException}, which a stage would read as "an erasure deleted it".
 */
public class ArtifactStoreUnavailableException extends ArtifactStoreOutageException {

  private static final long serialVersionUID = 1L;

  public ArtifactStoreUnavailableException(String store, Throwable cause) {
    super(
        "The artifact store at "
            + store
            + " holds nothing (no "
            + LocalArtifactStore.MARKER
            + ", no blob): is its volume mounted?",
        cause);
  }
}
