package dev.perennial.model.train;

/**
 * What one optimizer step did.
 *
 * @param step 1-based step number
 * @param totalSteps steps planned (fewer than the budget once early stopping has shortened it)
 * @param loss mean loss per counted token over the step's micro-batches
 * @param learningRate the rate applied
 * @param gradientNorm global gradient norm before clipping
 * @param tokens input tokens processed in this step (padding excluded)
 * @param totalTokens input tokens processed so far
 * @param elapsedSeconds since training started
 */
public record StepMetrics(
    int step,
    int totalSteps,
    double loss,
    double learningRate,
    double gradientNorm,
    long tokens,
    long totalTokens,
    double elapsedSeconds) {

  /** The same step with another plan: training now ends after step {@code total}. */
  public StepMetrics planning(int total) {
    return new StepMetrics(
        step, total, loss, learningRate, gradientNorm, tokens, totalTokens, elapsedSeconds);
  }

  /** Seconds left until the planned last step, at the time per step so far (0 before a step). */
  public double etaSeconds() {
    return step > 0 ? elapsedSeconds / step * (totalSteps - step) : 0;
  }

  /** Input tokens per second so far. */
  public double tokensPerSecond() {
    return elapsedSeconds > 0 ? totalTokens / elapsedSeconds : 0;
  }
}
