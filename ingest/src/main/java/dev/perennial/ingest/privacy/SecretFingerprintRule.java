package dev.perennial.ingest.privacy;

import dev.perennial.ingest.config.IngestConfig;
import java.util.List;
import java.util.Optional;

/**
 * When ingest may start with its pseudonym secret: only with the secret whose fingerprint it
 * recorded when it first started (the one that pseudonymised the data already written), unless the
 * operator declares the change ({@value IngestConfig#PSEUDONYM_SECRET_REPLACES_CONFIG} names the
 * recorded fingerprint). Erasures find a subject's data by pseudonym: with another secret they
 * would silently miss everything written before.
 *
 * @param secretKey the key the secret was configured by, as the refusal names it
 * @param where where the fingerprint is recorded, as the refusal names it
 */
record SecretFingerprintRule(String secretKey, String where) {

  /** What ingest does at start. */
  sealed interface Decision {}

  /** The configured secret is the recorded one. */
  record Start() implements Decision {}

  /**
   * Record the configured secret's fingerprint, then start: the first start ({@code replacing}
   * empty), or a declared change of secret.
   */
  record RecordFingerprint(String fingerprint, Optional<String> replacing) implements Decision {}

  /** Do not start, for {@code reason} (names the key to set and how to go on). */
  record Refuse(String reason) implements Decision {}

  /**
   * @param recorded the fingerprint recorded last, empty before the first start
   * @param configured the configured secret's fingerprint
   * @param replaces the fingerprint the operator declared replaced, if any
   */
  Decision decide(Optional<String> recorded, String configured, Optional<String> replaces) {
    if (recorded.isEmpty()) {
      return new RecordFingerprint(configured, Optional.empty());
    }
    String previous = recorded.get();
    if (previous.equals(configured)) {
      return new Start();
    }
    if (replaces.isEmpty()) {
      return new Refuse(
          secretKey
              + ": the configured secret (fingerprint "
              + configured
              + ") is not the one that pseudonymised the data ingest has written (fingerprint "
              + previous
              + ", recorded in "
              + where
              + "). With another secret every subject gets another pseudonym, and an erasure"
              + " would leave the subject's earlier data behind. If the secret changed by mistake,"
              + " configure the previous one again. If the change is intended, read the README's"
              + " 'Changing the pseudonym secret' and set "
              + IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG
              + "="
              + previous
              + " on every ingest instance.");
    }
    if (!replaces.get().equals(previous)) {
      return new Refuse(
          IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG
              + ": declares the secret with fingerprint "
              + replaces.get()
              + " replaced, but the data ingest has written was pseudonymised by the one with"
              + " fingerprint "
              + previous
              + " (recorded in "
              + where
              + "; the configured secret's is "
              + configured
              + "). Set it to "
              + previous
              + " to replace that secret, or configure that secret again in "
              + secretKey
              + ".");
    }
    return new RecordFingerprint(configured, Optional.of(previous));
  }

  /**
   * Whether another instance recorded a different secret while this one recorded its own: a refusal
   * when any fingerprint recorded after this instance read the record differs from its own.
   * Instances with the same secret record the same fingerprint and all start.
   *
   * @param recordedSinceRead the fingerprints recorded after the one this instance read, in order,
   *     its own included
   */
  Optional<String> race(List<String> recordedSinceRead, String configured) {
    return recordedSinceRead.stream()
        .filter(other -> !other.equals(configured))
        .findFirst()
        .map(
            other ->
                secretKey
                    + ": another ingest instance recorded a different secret (fingerprint "
                    + other
                    + ") in "
                    + where
                    + " while this one recorded its own ("
                    + configured
                    + "). Every instance must run with the same secret: configure one secret on"
                    + " all of them and start them again.");
  }
}
