package dev.perennial.core.store;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;

/** The store holds no blob with this digest. */
public class ArtifactNotFoundException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public ArtifactNotFoundException(Digest digest, String store) {
    super("No artifact " + digest + " in " + store);
  }
}
