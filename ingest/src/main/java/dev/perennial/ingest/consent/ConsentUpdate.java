package dev.perennial.ingest.consent;

import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.RejectedRecord;

/**
 * What one {@code consent.v1} record does in ingest: it sets the subject's training consent (and,
 * for a revocation, also requests an erasure), or it is rejected. Exactly one of {@code state} and
 * {@code rejection} is set.
 *
 * @param erasure set for a revocation
 */
public record ConsentUpdate(ConsentState state, ErasureRequest erasure, RejectedRecord rejection) {

  public static ConsentUpdate grant(ConsentState state) {
    return new ConsentUpdate(state, null, null);
  }

  public static ConsentUpdate revoke(ConsentState state, ErasureRequest erasure) {
    return new ConsentUpdate(state, erasure, null);
  }

  public static ConsentUpdate rejected(RejectedRecord rejection) {
    return new ConsentUpdate(null, null, rejection);
  }

  public boolean isRejected() {
    return rejection != null;
  }

  public boolean isRevocation() {
    return erasure != null;
  }
}
