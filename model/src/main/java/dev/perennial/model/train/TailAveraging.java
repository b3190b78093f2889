package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.perennial.model.ModelException;
import dev.perennial.model.runtime.ModelRuntime;
import java.util.List;

/**
 * Tail weight averaging: the trainable weights a run ends with are the mean of the weights after
 * each of its last steps (a {@code fraction} of the planned steps, at least one), not those of the
 * last step alone. The mean of nearby points of one trajectory damps what the last few batches'
 * order and replay picks did to the weights, which is what makes two seeds' adapters disagree on
 * single items (prediction churn). A plan that early stopping shortens moves the tail with it: the
 * steps of the new plan's tail from then on are averaged.
 */
final class TailAveraging implements StepListener, AutoCloseable {

  private final List<Parameter> parameters;
  private final NDManager manager;
  private final double fraction;
  private NDArray[] sums;
  private int count;

  TailAveraging(List<Parameter> parameters, NDManager parent, double fraction) {
    checkFraction(fraction);
    this.parameters = parameters;
    this.manager = parent.newSubManager();
    this.fraction = fraction;
  }

  static void checkFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new ModelException(
          "the averaged tail must be a fraction of the steps in (0, 1], was " + fraction);
    }
  }

  /** The first step (1-based) whose weights the mean of a run planned to {@code steps} holds. */
  static int firstAveragedStep(int steps, double fraction) {
    int tail = Math.max(1, (int) Math.ceil(fraction * steps));
    return steps - Math.min(steps, tail) + 1;
  }

  @Override
  public void onStep(StepMetrics metrics) {
    if (metrics.step() < firstAveragedStep(metrics.totalSteps(), fraction)) {
      return;
    }
    // the training loop calls its listeners with grad mode off: these copies record nothing
    if (sums == null) {
      sums = new NDArray[parameters.size()];
      for (int i = 0; i < sums.length; i++) {
        sums[i] = parameters.get(i).getArray().duplicate();
        sums[i].attach(manager);
      }
    } else {
      for (int i = 0; i < sums.length; i++) {
        sums[i].addi(parameters.get(i).getArray());
      }
    }
    count++;
  }

  /** Steps averaged so far. */
  int count() {
    return count;
  }

  /** Sets every trainable weight to its mean over the averaged steps (none yet: unchanged). */
  void apply() {
    if (sums == null) {
      return;
    }
    try (ModelRuntime.GradMode off = ModelRuntime.gradModeOff();
        NDManager scratch = manager.newSubManager()) {
      for (int i = 0; i < sums.length; i++) {
        NDArray mean = sums[i].div(count);
        mean.attach(scratch);
        parameters.get(i).getArray().muli(0).addi(mean);
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
