package dev.perennial.ingest.redact;

import dev.perennial.core.PerennialException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms of subjects: HMAC-SHA-256 over {@code tenant/subject} with the configured
 * secret, as 64 lower-case hex digits. The same subject of the same tenant always gets the same
 * pseudonym (so erasures find its examples); the same user id in two tenants gets two unrelated
 * ones; without the secret a pseudonym cannot be traced back to a user id, nor guessed from one.
 *
 * <p>Not thread-safe (a {@link Mac} is not): each stream task makes its own.
 */
public final class Pseudonymizer {

  private static final String ALGORITHM = "HmacSHA256";

  /**
   * What {@link #fingerprint} hashes: no {@code /}, so never the input of a pseudonym, and not the
   * label of any other key derived from the secret ({@code ExampleIds}').
   */
  private static final byte[] FINGERPRINT_LABEL =
      "perennial.pseudonym-secret-fingerprint.v1".getBytes(StandardCharsets.UTF_8);

  /** Bytes of the fingerprint kept: 128 bits tell secrets apart; the hex stays short to copy. */
  private static final int FINGERPRINT_BYTES = 16;

  private final Mac mac;

  public Pseudonymizer(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("The pseudonym secret must not be empty");
    }
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new PerennialException("This JDK cannot compute " + ALGORITHM, e);
    }
  }

  /** The pseudonym of {@code subject} within {@code tenant}. */
  public String pseudonym(String tenant, String subject) {
    byte[] digest = mac.doFinal((tenant + "/" + subject).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest);
  }

  /**
   * The fingerprint of the secret, 32 lower-case hex digits: the HMAC of a fixed label, truncated.
   * Equal secrets give equal fingerprints; it computes no pseudonym and no other key, and reveals
   * nothing about the secret that a pseudonym does not, so it may be stored and shown.
   */
  public String fingerprint() {
    byte[] digest = mac.doFinal(FINGERPRINT_LABEL);
    return HexFormat.of().formatHex(digest, 0, FINGERPRINT_BYTES);
  }
}
