package dev.perennial.model.score;

import dev.perennial.model.ModelException;

/**
 * Scoring and generation stop between passes once their thread is interrupted: a service that stops
 * (the evaluator on SIGTERM) interrupts a batch whose results it would throw away, rather than wait
 * for every row. The interrupt stays set for the caller.
 */
final class Interruption {

  private Interruption() {}

  /** Throws when the current thread is interrupted, naming {@code what} was stopped. */
  static void check(String what) {
    if (Thread.currentThread().isInterrupted()) {
      throw new ModelException(what + " interrupted: its thread was asked to stop");
    }
  }
}
