package dev.perennial.model.train;

/**
 * What one optimizer step did.
 *
 * @param step 1-based step number
 * @param totalSteps steps planned (the step itself when training stopped early there)
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

  /** The same step as the last one: training stops here, before its planned steps. */
  public StepMetrics endingHere() {
    return new StepMetrics(
        step, step, loss, learningRate, gradientNorm, tokens, totalTokens, elapsedSeconds);
  }

  /** Input tokens per second so far. */
  public double tokensPerSecond() {
    return elapsedSeconds > 0 ? totalTokens / elapsedSeconds : 0;
  }
}
