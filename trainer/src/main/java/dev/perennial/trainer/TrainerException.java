package dev.perennial.trainer;

import dev.perennial.core.PerennialException;

/** The trainer's own errors: bad shards, refused reads, jobs that cannot be trained. */
public class TrainerException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public TrainerException(String message) {
    super(message);
  }

  public TrainerException(String message, Throwable cause) {
    super(message, cause);
  }
}
