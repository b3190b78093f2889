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
}
