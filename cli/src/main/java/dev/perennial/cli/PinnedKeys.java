package dev.perennial.cli;

import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.sign.ManifestScreen;
import dev.perennial.publisher.sign.ReleaseVerifier;
import java.io.PrintWriter;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/**
 * The keys a configuration pins (the signing key's and {@code perennial.publisher.trusted.keys}),
 * which {@code releases verify} checks releases with and {@code releases list|show} check the
 * manifests they show with. Keys the release area publishes are never trusted.
 */
final class PinnedKeys {

  static final String NONE =
      "No key to trust: pass --public-key FILE (e.g. from GET /v1/public-key) or --config with "
          + PublisherConfig.SIGNING_KEY_FILE_CONFIG
          + " or "
          + PublisherConfig.TRUSTED_KEYS_CONFIG
          + "; keys found in the release area are never trusted";

  private PinnedKeys() {}

  /** The pinned keys; none when the configuration names neither a signing key nor trusted keys. */
  static List<PublicKey> of(Map<String, String> values) {
    boolean signing =
        values.containsKey(PublisherConfig.SIGNING_KEY_CONFIG)
            || values.containsKey(PublisherConfig.SIGNING_KEY_FILE_CONFIG);
    if (!signing && !values.containsKey(PublisherConfig.TRUSTED_KEYS_CONFIG)) {
      return List.of();
    }
    return (signing ? PublisherConfig.of(values) : PublisherConfig.readOnly(values)).pinnedKeys();
  }

  /**
   * {@code registry} with every release whose manifest does not verify with the pinned keys
   * quarantined, as the publisher's start screens it ({@link ManifestScreen}); unchanged, with a
   * line on {@code warnings} saying so, when the configuration pins no key.
   */
  static ReleaseRegistry screen(
      ReleaseRegistry registry, Map<String, String> values, PrintWriter warnings) {
    List<PublicKey> keys = of(values);
    if (keys.isEmpty()) {
      warnings.printf(
          "Manifests not checked (none marked quarantined): the configuration pins no key (%s or"
              + " %s)%n",
          PublisherConfig.SIGNING_KEY_FILE_CONFIG, PublisherConfig.TRUSTED_KEYS_CONFIG);
      return registry;
    }
    return new ManifestScreen(ReleaseVerifier.withPinnedKeys(keys)).screen(registry);
  }
}
