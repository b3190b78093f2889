package dev.perennial.model.train;

import dev.perennial.model.ModelException;

/**
 * When to stop training before the step budget is spent: every {@code everySteps} optimizer steps
 * the loss on validation examples (never trained on; each example's mean token loss, averaged over
 * the examples) is measured; training stops once it has not fallen by at least {@code
 * minImprovement} (relative to the best so far) for {@code patience} measurements in a row, and the
 * adapter keeps the weights of the best measurement.
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
