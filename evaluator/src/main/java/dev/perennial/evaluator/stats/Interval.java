package dev.perennial.evaluator.stats;

import dev.perennial.schemas.verdict.GateInterval;

/**
 * An effect's point estimate (on every item) and its confidence interval.
 *
 * @param n the paired items it was measured on
 * @param confidence the interval's level, e.g. 0.95
 */
public record Interval(double estimate, double lower, double upper, int n, double confidence) {

  /**
   * The interval of an effect undefined over its {@code n} items (no items, a ratio whose reference
   * sums to 0): no estimate (NaN) and (-infinity, +infinity), which no threshold decides ({@link
   * #isUnbounded}): nothing was wrong with either model, so it never reads as a broken one (NaN
   * bounds), which fails.
   */
  public static Interval undefined(int n, double confidence) {
    return new Interval(
        Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, n, confidence);
  }

  /**
   * Whether the estimate or a bound is NaN: a model whose value is NaN (NaN bounds), or an effect
   * undefined over the items ({@link #undefined}: a NaN estimate, unbounded).
   */
  public boolean isUndefined() {
    return Double.isNaN(estimate) || Double.isNaN(lower) || Double.isNaN(upper);
  }

  /**
   * Whether the interval is (-infinity, +infinity): nothing bounds the effect (a ratio of summed
   * losses over fewer than 2 items or with a sum that is not positive, a bootstrapped ratio
   * undefined on more of its draws than a tail holds), so no threshold decides it.
   */
  public boolean isUnbounded() {
    return GateInterval.isUnbounded(lower, upper);
  }
}
