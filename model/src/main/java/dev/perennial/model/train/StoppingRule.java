package dev.perennial.model.train;

/**
 * Decides after each optimizer step whether training has done enough (see {@link EarlyStopping});
 * training then winds its learning rate down over {@link #windDownSteps} more steps and ends.
 */
@FunctionalInterface
public interface StoppingRule {

  /** Trains the whole step budget. */
  StoppingRule NEVER = metrics -> false;

  /**
   * Stops after step {@code step} (1-based) and winds down over {@code windDownSteps}: where
   * another run of the same recipe stopped ({@link TrainingResult#stopping}), so that this run
   * trains at that run's learning rate on every step.
   */
  static StoppingRule after(int step, int windDownSteps) {
    return new StoppingRule() {
      @Override
      public boolean stopAfter(StepMetrics metrics) {
        return metrics.step() == step;
      }

      @Override
      public int windDownSteps() {
        return windDownSteps;
      }
    };
  }

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
