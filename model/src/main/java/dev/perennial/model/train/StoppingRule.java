package dev.perennial.model.train;

/**
 * Decides after each optimizer step whether training has done enough (see {@link EarlyStopping}).
 */
@FunctionalInterface
public interface StoppingRule {

  /** Trains the whole step budget. */
  StoppingRule NEVER = metrics -> false;

  /** Called on the training thread after {@code metrics}' step; true ends training there. */
  boolean stopAfter(StepMetrics metrics);
}
