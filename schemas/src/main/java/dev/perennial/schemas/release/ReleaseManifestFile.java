package dev.perennial.schemas.release;

/**
 * The file that marks a folder of the publisher's release area as a release, and the field of it
 * that names the release's adapter key. The publisher writes and verifies it; the trainer reads the
 * key to refuse importing one tenant's release for another.
 */
public final class ReleaseManifestFile {

  public static final String NAME = "manifest.json";
  public static final String ADAPTER_KEY_FIELD = "adapterKey";

  private ReleaseManifestFile() {}
}
