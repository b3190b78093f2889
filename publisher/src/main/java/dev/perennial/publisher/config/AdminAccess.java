package dev.perennial.publisher.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may move aliases (promote, rollback) and retract releases on the publisher's admin port:
 * whoever sends the configured bearer token; without a token nobody, unless the operator opened the
 * moves to anyone ({@code perennial.publisher.admin.unauthenticated}, as {@code perennial local}
 * does).
 *
 * @param token the bearer token, when one is configured
 * @param unauthenticated whether moves need no token (only without one)
 */
public record AdminAccess(Optional<String> token, boolean unauthenticated) {

  public static AdminAccess withToken(String token) {
    return new AdminAccess(Optional.of(token), false);
  }

  public static AdminAccess open() {
    return new AdminAccess(Optional.empty(), true);
  }

  public static AdminAccess closed() {
    return new AdminAccess(Optional.empty(), false);
  }

  /** Whether moves are refused whatever a request carries (no token configured, not opened). */
  public boolean isClosed() {
    return token.isEmpty() && !unauthenticated;
  }

  /** Whether a request with this {@code Authorization} header (null: none) may move aliases. */
  public boolean allows(String authorization) {
    if (token.isEmpty()) {
      return unauthenticated;
    }
    String expected = "Bearer " + token.get();
    return authorization != null
        && MessageDigest.isEqual(
            authorization.getBytes(StandardCharsets.UTF_8),
            expected.getBytes(StandardCharsets.UTF_8));
  }
}
