package dev.perennial.publisher.sign;

import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.schemas.key.AdapterKey;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quarantines the releases whose manifest, as the publisher read it from the release area, does not
 * verify with the pinned keys ({@link ReleaseVerifier#verifyManifest}). The publisher runs it each
 * time it reads manifests from the area (at start, and again after a failed transaction), so that
 * nothing it does acts on a manifest changed on disk: the weight purge goes by what a quarantined
 * release's folder holds, and the read API lists the version as quarantined instead of what its
 * manifest claims.
 */
public final class ManifestScreen {

  private static final Logger log = LoggerFactory.getLogger(ManifestScreen.class);

  private final ReleaseVerifier verifier;

  public ManifestScreen(ReleaseVerifier verifier) {
    this.verifier = verifier;
  }

  /**
   * {@code registry} with every release whose held manifest does not verify quarantined, each with
   * the problems found; a release quarantined before that verifies now is no longer.
   */
  public ReleaseRegistry screen(ReleaseRegistry registry) {
    SortedMap<AdapterKey, SortedMap<Integer, String>> quarantined = new TreeMap<>();
    for (KeyState state : registry.keys().values()) {
      for (StoredRelease release : state.releases().values()) {
        Verification verification = verifier.verifyManifest(release);
        if (verification.ok()) {
          continue;
        }
        String reason =
            "its manifest does not verify: " + String.join("; ", verification.problems());
        if (registry.quarantine(state.key(), release.version()).isEmpty()) {
          log.error(
              "Quarantining {} v{} (its manifest steers nothing: purged by what its folder holds if retracted, listed without its fields): {}",
              state.key(),
              release.version(),
              reason);
        }
        quarantined
            .computeIfAbsent(state.key(), key -> new TreeMap<>())
            .put(release.version(), reason);
      }
    }
    return registry.withQuarantined(quarantined);
  }
}
