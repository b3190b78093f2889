package dev.perennial.trainer.worker;

import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseRef;
import java.util.Optional;

/**
 * The release an adapter key's {@value #ALIAS} alias points at, as the latest {@code releases.v1}
 * record tells it: its version and where its adapter folder lies.
 */
public record StableRelease(
    int version, String location, String manifestDigest, String baseModelDigest) {

  public static final String ALIAS = "stable";

  /** The stable release of the key's latest release record, if the alias points anywhere. */
  public static Optional<StableRelease> of(AdapterRelease latest) {
    Integer version = latest.getAliases().get(ALIAS);
    if (version == null || latest.getRetractedVersions().contains(version)) {
      return Optional.empty();
    }
    for (ReleaseRef target : latest.getAliasTargets()) {
      if (target.getVersion() == version) {
        return Optional.of(
            new StableRelease(
                version,
                target.getLocation(),
                target.getManifestDigest(),
                target.getBaseModelDigest()));
      }
    }
    if (latest.getVersion() == version) {
      return Optional.of(
          new StableRelease(
              version,
              latest.getLocation(),
              latest.getManifestDigest(),
              latest.getBaseModelDigest()));
    }
    return Optional.empty();
  }
}
