package dev.perennial.model.score;

/**
 * How likely the model finds an example's counted tokens (the completion of a prompt/completion
 * pair, every token of a text).
 *
 * @param logLikelihood natural-log likelihood summed over the counted tokens
 * @param tokens counted tokens
 */
public record ExampleScore(double logLikelihood, int tokens) {

  /** Mean negative log-likelihood per counted token (nats). */
  public double meanLoss() {
    return tokens == 0 ? 0 : -logLikelihood / tokens;
  }

  /** {@code exp(meanLoss)}. */
  public double perplexity() {
    return Math.exp(meanLoss());
  }

  /** Mean loss over many examples, weighted by their token counts. */
  public static double meanLoss(Iterable<ExampleScore> scores) {
    double nll = 0;
    long tokens = 0;
    for (ExampleScore score : scores) {
      nll -= score.logLikelihood();
      tokens += score.tokens();
    }
    return tokens == 0 ? 0 : nll / tokens;
  }
}
