package dev.perennial.ingest.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a pseudonym secret is fit for real data (outside {@code perennial local}): not the local
 * run's published secret, and with at least {@value #MIN_BITS} bits of entropy as estimated from
 * its characters (Shannon entropy of their frequencies times the length). A random 32-character hex
 * or base64 string passes; 32 x {@code a}, a repeated word or a short phrase does not. What is
 * wrong is said without the secret.
 */
final class SecretStrength {

  /** Fewer estimated bits than this and the secret is refused. */
  static final int MIN_BITS = 96;

  private SecretStrength() {}

  /** What makes {@code secret} unfit, or empty when it is fit. */
  static Optional<String> weakness(String secret) {
    if (secret.equals(IngestConfig.LOCAL_PSEUDONYM_SECRET)) {
      return Optional.of(
          "is the local run's published secret (perennial local only); generate one, e.g."
              + " openssl rand -base64 48");
    }
    long bits = Math.round(estimatedBits(secret));
    if (bits < MIN_BITS) {
      return Optional.of(
          "has too little entropy (about "
              + bits
              + " bits estimated from its characters, at least "
              + MIN_BITS
              + " needed); generate one, e.g. openssl rand -base64 48");
    }
    return Optional.empty();
  }

  /** Shannon entropy of the code points' frequencies, times the number of code points. */
  static double estimatedBits(String secret) {
    Map<Integer, Integer> counts = new TreeMap<>();
    secret.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
    double n = secret.codePointCount(0, secret.length());
    double perCharacter = 0;
    for (int count : counts.values()) {
      double p = count / n;
      perCharacter -= p * Math.log(p) / Math.log(2);
    }
    return perCharacter * n;
  }
}
