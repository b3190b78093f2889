package dev.perennial.evaluator.stats;

/**
 * An effect's point estimate (on every item) and its confidence interval.
 *
 * @param n the paired items it was measured on
 * @param confidence the interval's level, e.g. 0.95
 */
public record Interval(double estimate, double lower, double upper, int n, double confidence) {

  /** Whether any bound is NaN (a model whose loss is NaN, no items, an undefined effect). */
  public boolean isUndefined() {
    return Double.isNaN(estimate) || Double.isNaN(lower) || Double.isNaN(upper);
  }

  /**
   * Whether the interval is (-infinity, +infinity): nothing bounds the effect (a ratio of summed
   * losses over fewer than 2 items or with a sum that is not positive, a bootstrapped ratio
   * undefined on more of its draws than a tail holds), so no threshold decides it.
   */
  public boolean isUnbounded() {
    return isUnbounded(lower, upper);
  }

  /** Whether the bounds are (-infinity, +infinity). */
  public static boolean isUnbounded(double lower, double upper) {
    return lower == Double.NEGATIVE_INFINITY && upper == Double.POSITIVE_INFINITY;
  }
}
