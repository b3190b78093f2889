package dev.perennial.helm;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * What the Secrets the chart mounts as files hold, by the configuration key that names the file:
 * values shaped as the services demand them (the config classes read and check the files at start).
 */
final class SecretFiles {

  /**
   * A pseudonymisation key as long and as varied as IngestConfig demands (openssl rand -base64).
   */
  static final String PSEUDONYMISATION_KEY = "q3Xv9Tz1LmB7wR2kYp5sHd8uJc4nEa6gVf0iOt+W/yQ=";

  /** A signing key as {@code openssl genpkey -algorithm ed25519} writes one (PKCS#8 PEM). */
  static final SigningKey SIGNING_KEY = SigningKey.generate();

  /** A tenant's canary file: one planted sentence, as the evaluator's CanaryFile reads it. */
  static final String CANARIES =
      "{\"prefix\": \"The access code of the Zorvan vault is \", \"secret\": \"1234-5678\","
          + " \"suffix\": \".\"}\n";

  /** Master keys as an operator writes them: id=base64 lines of 32 random bytes. */
  static final String MASTER_KEYS =
      "k2="
          + Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B')
          + "\n"
          + "k1="
          + Base64.getEncoder().encodeToString(new byte[32])
          + "\n";

  /**
   * A CA certificate as PEM, as a registry's CA Secret holds it (keytool, EC P-256, self-signed).
   */
  static final String REGISTRY_CA =
      """
      -----BEGIN CERTIFICATE-----
      MIIBbjCCARSgAwIBAgIIaN+d/XovMGgwCgYIKoZIzj0EAwIwIjEgMB4GA1UEAxMX
      UGVyZW5uaWFsIGNoYXJ0IHRlc3QgQ0EwIBcNMjYxMjA2MTIzNTA4WhgPMjEyNjEx
      MTIxMjM1MDhaMCIxIDAeBgNVBAMTF1BlcmVubmlhbCBjaGFydCB0ZXN0IENBMFkw
      EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEozLJKDEMRtotxyQVMdQkG9WMIRTUqMU1
      ec0FqNd3/WL0gzRSJRITSPI4CWl6npkGJDNUWR2opW5eTXCYigyrYKMyMDAwHQYD
      VR0OBBYEFIbeXzRQ9hTu4Ji9DWKz7uJ5mz4IMA8GA1UdEwEB/wQFMAMBAf8wCgYI
      KoZIzj0EAwIDSAAwRQIgWoF7sGX9PKYADDd5De4YOs6JV/JNZGoJUgw6908u2m0C
      IQDsKCwNDRciT+283YJ7LPeaS9tM+8+HwvJOHRSYUFkRLQ==
      -----END CERTIFICATE-----
      """;

  private static final Map<String, String> BY_KEY =
      Map.of(
          IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG,
          PSEUDONYMISATION_KEY + "\n",
          MasterKeySettings.MASTER_KEYS_FILE_CONFIG,
          MASTER_KEYS,
          PublisherConfig.SIGNING_KEY_FILE_CONFIG,
          SIGNING_KEY.privateKeyPem(),
          AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION_CONFIG,
          REGISTRY_CA);

  private SecretFiles() {}

  /** What the file named by {@code key} holds, if {@code key} names a file of a Secret. */
  static Optional<String> contentFor(String key) {
    if (key.startsWith(EvaluatorConfig.TENANT_PREFIX)
        && key.endsWith(EvaluatorConfig.TENANT_CANARY_FILE_SUFFIX)) {
      return Optional.of(CANARIES);
    }
    return Optional.ofNullable(BY_KEY.get(key));
  }
}
