package dev.perennial.evaluator.stats;

/**
 * Fieller's interval for the ratio of two paired sums, {@code sum candidate / sum reference}, and
 * so for the relative loss reduction or increase, which are 1 minus it and it minus 1: the ratios r
 * that a t test of {@code mean(candidate - r reference) = 0} over the items does not reject at the
 * confidence, with Student's t at n - 1 degrees of freedom. It uses the items' variances and their
 * covariance (what paired losses share, such as an example's length, cancels out), and is exact for
 * normal items where a percentile bootstrap over a dozen items passes two to four times the share
 * of candidates at a threshold that its level states. Over items whose reference sum is not itself
 * significantly above 0 at the confidence (a few examples of very different lengths), the set of
 * ratios not rejected is unbounded: the interval is then (-infinity, +infinity), which no threshold
 * decides ({@link #isUnbounded}). Needs no seed.
 */
public final class PairedFieller {

  private PairedFieller() {}

  /** Whether the effect is a ratio of sums this interval covers. */
  public static boolean fits(Effect effect) {
    return effect == Effect.GAIN || effect == Effect.INCREASE;
  }

  /** Whether the interval is Fieller's unbounded one (its reference sum not clear of 0). */
  public static boolean isUnbounded(Interval interval) {
    return interval.lower() == Double.NEGATIVE_INFINITY
        && interval.upper() == Double.POSITIVE_INFINITY;
  }

  /**
   * The effect and its central {@code confidence} interval: NaN bounds when the effect is
   * undefined, infinite ones over fewer than 2 items or when the reference sum is not clear of 0.
   */
  public static Interval interval(PairedItems items, Effect effect, double confidence) {
    if (!fits(effect)) {
      throw new IllegalArgumentException("not a ratio of sums: " + effect);
    }
    int n = items.size();
    double estimate = items.effect(effect);
    if (Double.isNaN(estimate)) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN, n, confidence);
    }
    if (n < 2) {
      return unbounded(estimate, n, confidence);
    }
    double[] candidate = items.candidate();
    double[] reference = items.reference();
    double candidateMean = mean(candidate);
    double referenceMean = mean(reference);
    double candidateVariance = 0;
    double referenceVariance = 0;
    double covariance = 0;
    for (int i = 0; i < n; i++) {
      double c = candidate[i] - candidateMean;
      double r = reference[i] - referenceMean;
      candidateVariance += c * c;
      referenceVariance += r * r;
      covariance += c * r;
    }
    double t = StudentT.quantile(1 - (1 - confidence) / 2, n - 1);
    double k = t * t / (n * (n - 1.0));
    // the ratios r with (cm - r rm)^2 <= t^2 var(cm - r rm): a r^2 - 2 b r + c <= 0
    double a = referenceMean * referenceMean - k * referenceVariance;
    double b = candidateMean * referenceMean - k * covariance;
    double c = candidateMean * candidateMean - k * candidateVariance;
    if (!(a > 0)) {
      return unbounded(estimate, n, confidence);
    }
    // a > 0 and the quadratic is <= 0 at the estimate itself, so it has real roots
    double half = Math.sqrt(Math.max(0, b * b - a * c));
    double low = (b - half) / a;
    double high = (b + half) / a;
    return effect == Effect.GAIN
        ? new Interval(estimate, 1 - high, 1 - low, n, confidence)
        : new Interval(estimate, low - 1, high - 1, n, confidence);
  }

  private static Interval unbounded(double estimate, int n, double confidence) {
    return new Interval(
        estimate, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, n, confidence);
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }
}
