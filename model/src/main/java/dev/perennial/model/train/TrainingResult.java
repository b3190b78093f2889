package dev.perennial.model.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What a training run did and produced.
 *
 * @param steps every step's metrics (the loss curve)
 * @param tokens input tokens processed
 * @param examples training examples available
 * @param replayExamples replay examples available
 * @param truncatedExamples examples cut to the maximum sequence length
 * @param refusedExamples examples the base's tokenizer refused (and training skipped), see {@link
 *     dev.perennial.model.tokenizer.SequenceEncoder}
 * @param seconds wall-clock training time (loading and writing excluded)
 * @param adapterFolder the PEFT folder written
 * @param device where it ran
 * @param validation the validation loss before training, at every measurement and at the end (empty
 *     without early stopping)
 * @param plannedSteps the step budget
 * @param feedbackExamples feedback examples trained by their objectives
 * @param referenceRows rows (answers) the frozen reference scored, once, before the first step
 */
public record TrainingResult(
    List<StepMetrics> steps,
    long tokens,
    int examples,
    int replayExamples,
    int truncatedExamples,
    int refusedExamples,
    double seconds,
    Path adapterFolder,
    String device,
    List<ValidationPoint> validation,
    int plannedSteps,
    int feedbackExamples,
    int referenceRows) {

  public TrainingResult {
    steps = List.copyOf(steps);
    validation = List.copyOf(validation);
  }

  /** Whether training ended before its step budget. */
  public boolean stoppedEarly() {
    return steps.size() < plannedSteps;
  }

  /**
   * Where this run stopped, for another run of its recipe to stop there too ({@link
   * StoppingRule#after}); {@link StoppingRule#NEVER} when it trained every planned step.
   */
  public StoppingRule stopping() {
    // the step that decided to stop is the first to announce the shortened plan
    return steps.stream()
        .filter(step -> step.totalSteps() < plannedSteps)
        .findFirst()
        .map(step -> StoppingRule.after(step.step(), step.totalSteps() - step.step()))
        .orElse(StoppingRule.NEVER);
  }

  public double firstLoss() {
    return steps.get(0).loss();
  }

  public double finalLoss() {
    return steps.get(steps.size() - 1).loss();
  }

  /** Step losses in order. */
  public double[] lossCurve() {
    return steps.stream().mapToDouble(StepMetrics::loss).toArray();
  }

  public double tokensPerSecond() {
    return seconds > 0 ? tokens / seconds : 0;
  }
}
