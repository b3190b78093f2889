package dev.perennial.evaluator.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap of a paired effect: draws the items with replacement {@code resamples}
 * times, the same draw for the candidate and its reference (so what both models share, such as an
 * example's difficulty, cancels out), computes the effect of each draw and takes the central {@code
 * confidence} share of them as the interval. A draw whose effect is undefined (a ratio over a draw
 * without any reference item) is not left out, which would condition the interval on the draws that
 * hold one: it may lie anywhere, so it counts as below every defined draw for the lower bound and
 * above every one for the upper ({@link #percentiles}). The interval so holds whatever those draws
 * were; when they are more than a tail's share of the draws, a bound is infinite. Seeded: the same
 * items, effect and seed always give the same interval.
 */
public final class PairedBootstrap {

  private final double confidence;
  private final int resamples;
  private final int minItems;

  /**
   * @param confidence the interval's level, in (0, 1)
   * @param resamples draws, at least 100
   * @param minItems the fewest items a gate decides on with this bootstrap, at least 1 (over fewer,
   *     the interval is too narrow to trust: over one item it is a point)
   */
  public PairedBootstrap(double confidence, int resamples, int minItems) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
    }
    if (resamples < 100) {
      throw new IllegalArgumentException("at least 100 resamples, got " + resamples);
    }
    if (minItems < 1) {
      throw new IllegalArgumentException("at least 1 item, got " + minItems);
    }
    this.confidence = confidence;
    this.resamples = resamples;
    this.minItems = minItems;
  }

  /**
   * A bootstrap whose intervals decide no gate (a bench's comparison, say): no fewest items.
   *
   * @param confidence the interval's level, in (0, 1)
   * @param resamples draws, at least 100
   */
  public PairedBootstrap(double confidence, int resamples) {
    this(confidence, resamples, 1);
  }

  public double confidence() {
    return confidence;
  }

  /** The fewest paired items a gate decides on; over fewer it has insufficient evidence. */
  public int minItems() {
    return minItems;
  }

  public int resamples() {
    return resamples;
  }

  /**
   * The effect on every item and its interval: NaN bounds when an item's value is NaN (a broken
   * model), {@link Interval#undefined} when the effect is undefined over the items (none, or a
   * ratio whose reference sums to 0).
   */
  public Interval interval(PairedItems items, Effect effect, long seed) {
    int n = items.size();
    if (items.hasNaN()) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN, n, confidence);
    }
    double estimate = items.effect(effect);
    if (Double.isNaN(estimate)) {
      return Interval.undefined(n, confidence);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] effects = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double candidateSum = 0;
      double referenceSum = 0;
      for (int i = 0; i < n; i++) {
        int item = random.nextInt(n);
        candidateSum += items.candidateAt(item);
        referenceSum += items.referenceAt(item);
      }
      effects[r] = effect.of(candidateSum, referenceSum, n);
    }
    return percentiles(estimate, effects, n, confidence);
  }

  /**
   * The central {@code confidence} interval of the draws' effects, those undefined (NaN) taken as
   * -infinity for the lower bound and +infinity for the upper: over 100 draws at 95 % each bound is
   * interpolated between the 3rd and 4th of the 100 (or the 97th and 98th), so 2 undefined draws
   * leave both bounds finite, 3 make both infinite.
   */
  static Interval percentiles(double estimate, double[] effects, int n, double confidence) {
    double[] sorted = effects.clone();
    Arrays.sort(sorted); // NaN sorts last
    int defined = 0;
    while (defined < sorted.length && !Double.isNaN(sorted[defined])) {
      defined++;
    }
    double[] undefinedLow = new double[sorted.length];
    double[] undefinedHigh = new double[sorted.length];
    int undefined = sorted.length - defined;
    Arrays.fill(undefinedLow, 0, undefined, Double.NEGATIVE_INFINITY);
    System.arraycopy(sorted, 0, undefinedLow, undefined, defined);
    System.arraycopy(sorted, 0, undefinedHigh, 0, defined);
    Arrays.fill(undefinedHigh, defined, sorted.length, Double.POSITIVE_INFINITY);
    double tail = (1 - confidence) / 2;
    return new Interval(
        estimate, quantile(undefinedLow, tail), quantile(undefinedHigh, 1 - tail), n, confidence);
  }

  /**
   * The {@code p}-quantile of sorted values (linear between neighbours); next to an infinite
   * neighbour, that neighbour (an interval's bound is never narrowed towards an unknown draw).
   */
  static double quantile(double[] sorted, double p) {
    double position = p * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    double weight = position - below;
    double low = sorted[below];
    double high = sorted[above];
    if (weight == 0 || low == high || Double.isInfinite(low)) {
      return low;
    }
    if (Double.isInfinite(high)) {
      return high;
    }
    return low + weight * (high - low);
  }
}
