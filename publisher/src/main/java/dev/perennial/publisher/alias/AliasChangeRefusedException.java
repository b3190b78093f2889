package dev.perennial.publisher.alias;

import dev.perennial.publisher.PublisherException;

/** An alias move that the key's state does not allow; nothing was changed. */
public class AliasChangeRefusedException extends PublisherException {

  private static final long serialVersionUID = 1L;

  /** Why, so that the HTTP API can answer 404 or 409 (a conflict, a quarantined key). */
  public enum Reason {
    UNKNOWN_KEY,
    UNKNOWN_VERSION,
    UNKNOWN_ALIAS,
    RETRACTED,
    UNCHANGED,
    NOT_OLDER,
    /** The release's files do not match its signed manifest. */
    FAILS_VERIFICATION,
    /**
     * The key is quarantined: its state is not known, and the move's record would replace the key's
     * record in the compacted topic.
     */
    KEY_QUARANTINED
  }

  private final Reason reason;

  public AliasChangeRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** Whether the request named something that does not exist (rather than conflicting with it). */
  public boolean notFound() {
    return reason == Reason.UNKNOWN_KEY
        || reason == Reason.UNKNOWN_VERSION
        || reason == Reason.UNKNOWN_ALIAS;
  }
}
