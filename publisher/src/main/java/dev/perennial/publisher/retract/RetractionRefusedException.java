package dev.perennial.publisher.retract;

import dev.perennial.publisher.PublisherException;

/** An operator's retraction that the key's state does not allow; nothing was changed. */
public class RetractionRefusedException extends PublisherException {

  private static final long serialVersionUID = 1L;

  /**
   * Why, so that the HTTP API can answer 404 or 409 (a release retracted already, a quarantined
   * key).
   */
  public enum Reason {
    UNKNOWN_KEY,
    UNKNOWN_VERSION,
    ALREADY_RETRACTED,
    KEY_QUARANTINED
  }

  private final Reason reason;

  public RetractionRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** Whether the request named something that does not exist (rather than conflicting with it). */
  public boolean notFound() {
    return reason == Reason.UNKNOWN_KEY || reason == Reason.UNKNOWN_VERSION;
  }
}
