package dev.perennial.model.train;

import dev.perennial.model.ModelException;

/**
 * When to stop training before the step budget is spent: every {@code everySteps} optimizer steps
 * the loss on validation examples (never trained on; each example's mean token loss, averaged over
 * the examples) is measured; once it has not fallen by at least {@code minImprovement} (relative to
 * the best so far) for {@code patience} measurements in a row, the learning rate winds down to the
 * schedule's floor over {@code everySteps} more steps and training ends. The adapter keeps the
 * annealed weights of that last step: stopping at the weights of a mid-schedule measurement, taken
 * at the peak learning rate, keeps the noise of that rate (it cost both the new facts and the
 * general set in {@code perennial bench continual}).
 *
 * @param everySteps optimizer steps between two validation measurements
 * @param patience measurements without improvement before training stops
 * @param minImprovement least relative fall of the validation loss that counts as improvement
 */
public record EarlyStopping(int everySteps, int patience, double minImprovement) {

  public EarlyStopping {
    if (everySteps < 1 || patience < 1) {
      throw new ModelException(
          "early stopping needs everySteps and patience of at least 1, was "
              + everySteps
              + " and "
              + patience);
    }
    if (!(minImprovement >= 0 && minImprovement < 1)) {
      throw new ModelException(
          "early stopping's minimum improvement must be in [0, 1), was " + minImprovement);
    }
  }
}
