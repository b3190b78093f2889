package dev.perennial.ingest.consent;

import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.RejectedRecord;

/**
 * What one {@code consent.v1} record does in ingest: it sets the subject's training consent (and,
 * for a revocation, also requests an erasure), it deletes the subject's consent and requests an
 * erasure (a tombstone), or it is rejected. A grant sets {@code state} only, a revocation {@code
 * state} and {@code erasure}, a deletion {@code erasure} only, a rejection {@code rejection} only.
 *
 * @param state the subject's new consent; null for a deletion (the consent table then forgets the
 *     subject) and for a rejection
 * @param erasure set for a revocation and a deletion
 */
public record ConsentUpdate(ConsentState state, ErasureRequest erasure, RejectedRecord rejection) {

  public static ConsentUpdate grant(ConsentState state) {
    return new ConsentUpdate(state, null, null);
  }

  public static ConsentUpdate revoke(ConsentState state, ErasureRequest erasure) {
    return new ConsentUpdate(state, erasure, null);
  }

  /**
   * The app deleted the subject's consent record: the subject's entry leaves the consent table (a
   * table tombstone, so neither the store nor its changelog keeps the raw subject id) and its
   * erasure is requested.
   */
  public static ConsentUpdate delete(ErasureRequest erasure) {
    return new ConsentUpdate(null, erasure, null);
  }

  public static ConsentUpdate rejected(RejectedRecord rejection) {
    return new ConsentUpdate(null, null, rejection);
  }

  public boolean isRejected() {
    return rejection != null;
  }

  /** A revocation or a deletion: the subject's erasure is requested. */
  public boolean requestsErasure() {
    return erasure != null;
  }
}
