package dev.perennial.trainer.worker;

import dev.perennial.trainer.TrainerException;

/**
 * A job that will never yield a candidate, whatever the number of attempts: it is skipped (logged,
 * counted, its offset committed) rather than retried.
 */
public class JobSkippedException extends TrainerException {

  private static final long serialVersionUID = 1L;

  /** Why a job is skipped. */
  public enum Reason {
    /** No training example is left (every one was erased). */
    NOTHING_TO_TRAIN,
    /**
     * A shard of the job is gone from the store: an erasure rewrote it after the job was sealed.
     */
    SHARD_GONE,
    /** The job asks for something the worker refuses: another tenant's shard, a malformed key. */
    REFUSED,
    /**
     * The key's stable release is on another base than the worker's, with none on the worker's: an
     * update would have to start over, so the key's data waits for its REBASE job.
     */
    AWAITS_REBASE,
    /**
     * The key's stable release was trained with other tokenizer files than the worker's base has
     * (changed in place under the same config and weights): continuing it would train it on other
     * tokens.
     */
    TOKENIZER_CHANGED
  }

  private final Reason reason;

  public JobSkippedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
