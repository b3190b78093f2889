package dev.perennial.evaluator.suite;

/**
 * One measure of the candidate beside the incumbent's and the base's (NaN where not measured).
 *
 * @param metric the candidate's metric name in the verdict
 * @param higherIsBetter whether a higher value is the better one (exact match) or a lower (loss)
 */
public record Comparison(
    String metric, double candidate, double incumbent, double base, boolean higherIsBetter) {

  /** The candidate's change against the incumbent, signed so that positive is better. */
  public double improvementOverIncumbent() {
    double delta = candidate - incumbent;
    return higherIsBetter ? delta : -delta;
  }

  /** The candidate's change against the base, signed so that positive is better. */
  public double improvementOverBase() {
    double delta = candidate - base;
    return higherIsBetter ? delta : -delta;
  }
}
