package dev.perennial.trainer.worker;

import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.StepMetrics;
import java.util.function.IntUnaryOperator;

/**
 * One job's optimizer steps as one count over the trainings it runs one after another (the recipe
 * search's trials, the candidate, the plasticity control): a training's steps go on from where the
 * last one's ended, the steps planned are the whole job's, and the seconds and tokens are the job's
 * so far, so that a progress bar, {@code job.steps} and {@code job.eta.seconds} describe the job,
 * not the training under way. Used on the training thread only.
 */
final class JobSteps {

  private final StepListener job;
  private int stepsDone;
  private long tokensDone;
  private double secondsDone;
  private StepMetrics last;

  JobSteps(StepListener job) {
    this.job = job;
  }

  /**
   * The listener of the job's next training; the last one's steps are done.
   *
   * @param after the steps the job plans after this training, given the steps this one plans
   */
  StepListener next(IntUnaryOperator after) {
    if (last != null) {
      stepsDone += last.step();
      tokensDone += last.totalTokens();
      secondsDone += last.elapsedSeconds();
      last = null;
    }
    int steps = stepsDone;
    long tokens = tokensDone;
    double seconds = secondsDone;
    return step -> {
      last = step;
      job.onStep(
          new StepMetrics(
              steps + step.step(),
              steps + step.totalSteps() + after.applyAsInt(step.totalSteps()),
              step.loss(),
              step.learningRate(),
              step.gradientNorm(),
              step.tokens(),
              tokens + step.totalTokens(),
              seconds + step.elapsedSeconds()));
    };
  }
}
