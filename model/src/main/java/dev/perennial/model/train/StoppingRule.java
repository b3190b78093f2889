package dev.perennial.model.train;

/**
 * Decides after each optimizer step whether training has done enough (see {@link EarlyStopping});
 * training then winds its learning rate down over {@link #windDownSteps} more steps and ends.
 */
@FunctionalInterface
public interface StoppingRule {

  /** Trains the whole step budget. */
  StoppingRule NEVER = metrics -> false;

  /** Called on the training thread after {@code metrics}' step until it first returns true. */
  boolean stopAfter(StepMetrics metrics);

  /**
   * Steps that anneal the learning rate to the schedule's floor once {@link #stopAfter} said so (0:
   * end at once); never more than the budget has left.
   */
  default int windDownSteps() {
    return 0;
  }
}
