package dev.perennial.core.store;

import java.nio.file.Path;

/**
 * Child JVM of {@link LocalArtifactStoreCrashIT}: starts writing a large blob and stalls in the
 * middle of it, waiting to be killed.
 */
final class StalledBlobWriter {

  private StalledBlobWriter() {}

  /** Arguments: store folder, seed, size, byte at which to stall. */
  public static void main(String[] args) {
    LocalArtifactStore store = new LocalArtifactStore(Path.of(args[0]));
    store.put(
        new DeterministicContent(
            Long.parseLong(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3])));
    throw new IllegalStateException("The writer was expected to be killed before finishing");
  }
}
