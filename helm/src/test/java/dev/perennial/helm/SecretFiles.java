package dev.perennial.helm;

import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.sign.SigningKey;
import java.util.Map;

/**
 * What the Secrets the chart mounts as files hold, by the configuration key that names the file:
 * values shaped as the services demand them (the config classes read and check the files at start).
 */
final class SecretFiles {

  /** A pseudonymisation key as long as IngestConfig demands, and then some. */
  static final String PSEUDONYMISATION_KEY =
      "k".repeat(IngestConfig.PSEUDONYM_SECRET_MIN_LENGTH) + "-pseudonymisation";

  /** A signing key as {@code openssl genpkey -algorithm ed25519} writes one (PKCS#8 PEM). */
  static final SigningKey SIGNING_KEY = SigningKey.generate();

  static final Map<String, String> CONTENT =
      Map.of(
          IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG,
          PSEUDONYMISATION_KEY + "\n",
          PublisherConfig.SIGNING_KEY_FILE_CONFIG,
          SIGNING_KEY.privateKeyPem());

  private SecretFiles() {}
}
