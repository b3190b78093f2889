package dev.perennial.evaluator.stats;

/** The standard normal distribution's quantile, for the score intervals' critical values. */
final class StandardNormal {

  private static final int BISECTIONS = 80;

  /** Beyond it the upper tail (7.6e-24) is below what a double's 1 - tail can hold. */
  private static final double LARGEST = 10;

  private StandardNormal() {}

  /** The z with P(Z <= z) = p, for p in (0, 1). */
  static double quantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1): " + p);
    }
    if (p < 0.5) {
      return -quantile(1 - p);
    }
    double below = 0;
    double above = LARGEST;
    for (int i = 0; i < BISECTIONS; i++) {
      double z = (below + above) / 2;
      if (cumulative(z) < p) {
        below = z;
      } else {
        above = z;
      }
    }
    return (below + above) / 2;
  }

  /** P(Z <= z) for 0 <= z <= {@link #LARGEST}. */
  static double cumulative(double z) {
    return 0.5 + 0.5 * erf(z / Math.sqrt(2));
  }

  /**
   * erf(x) for 0 <= x <= 10 / sqrt(2) by its series of positive terms, 2 / sqrt(pi) exp(-x^2) sum
   * (2x^2)^k x / (1 * 3 * ... * (2k + 1)) (Abramowitz and Stegun 7.1.6), which has no cancellation.
   */
  private static double erf(double x) {
    double term = x;
    double sum = x;
    for (int k = 1; term > sum * 1e-17; k++) {
      term *= 2 * x * x / (2 * k + 1);
      sum += term;
    }
    return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
  }
}
