package dev.perennial.evaluator.stats;

import java.util.function.DoubleUnaryOperator;

/**
 * Score intervals for paired right/wrong items (every value 0 or 1), where a percentile bootstrap
 * claims far more than its level: it can only redraw the disagreements it saw, so over few items
 * (or none that differ) it is too narrow, and a candidate exactly at a gate's threshold passed up
 * to 28 % of the time with 12 questions and 8 % with 40 where the 95 % interval states 2.5 %
 * (GateErrorRateTest). A score interval holds every effect that a score test at the level does not
 * reject, with the nuisance probability at its maximum likelihood under that effect:
 *
 * <ul>
 *   <li>a difference of paired proportions ({@link Effect#DROP}, {@link Effect#DIFFERENCE}):
 *       Tango's interval (T. Tango, Equivalence test and confidence interval for the difference in
 *       proportions for the paired-sample design, Stat Med 1998; 17:891-908; 2001; 20:2609);
 *   <li>a ratio ({@link Effect#RATIO}): Tang, Tang and Chan's interval for the ratio of paired
 *       proportions (N.-S. Tang, M.-L. Tang, I. S. F. Chan, On tests of equivalence via non-unity
 *       relative risk for matched-pair design, Biom J 2003; 45:1009-1023; Nam and Blackwelder, Stat
 *       Med 2002; 21:689-699, give the same statistic); when every reference value is 1 the ratio
 *       is the candidate's share of the items, and Wilson's score interval for a proportion (E. B.
 *       Wilson, J Am Stat Assoc 1927; 22:209-212) is used: its lower bound is Tang's, its upper one
 *       stays at most 1.
 * </ul>
 *
 * Both are as in Fagerland, Lydersen and Laake, Statistical Analysis of Contingency Tables (2017),
 * chapter 8, whose R package (contingencytables) gives the reference values of the tests.
 */
public final class PairedProportions {

  private static final int BISECTIONS = 200;

  /** Beyond it a ratio's upper bound is infinite (the reference is almost never right). */
  private static final double LARGEST_RATIO = 1e12;

  private PairedProportions() {}

  /**
   * Whether these items and this effect have a score interval: 0/1 values, a difference or ratio.
   */
  public static boolean fits(PairedItems items, Effect effect) {
    if (effect != Effect.DROP && effect != Effect.DIFFERENCE && effect != Effect.RATIO) {
      return false;
    }
    for (int i = 0; i < items.size(); i++) {
      if (!isZeroOrOne(items.candidateAt(i)) || !isZeroOrOne(items.referenceAt(i))) {
        return false;
      }
    }
    return items.size() > 0;
  }

  private static boolean isZeroOrOne(double value) {
    return value == 0 || value == 1;
  }

  /**
   * The effect and its central {@code confidence} score interval; {@link Interval#undefined} for a
   * ratio without any item the reference got right.
   *
   * @throws IllegalArgumentException when the items and effect do not {@link #fits fit}
   */
  public static Interval interval(PairedItems items, Effect effect, double confidence) {
    if (!fits(items, effect)) {
      throw new IllegalArgumentException("no score interval of a " + effect + " of these items");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
    }
    int n = items.size();
    int both = 0;
    int onlyCandidate = 0;
    int onlyReference = 0;
    for (int i = 0; i < n; i++) {
      boolean candidate = items.candidateAt(i) == 1;
      boolean reference = items.referenceAt(i) == 1;
      if (candidate && reference) {
        both++;
      } else if (candidate) {
        onlyCandidate++;
      } else if (reference) {
        onlyReference++;
      }
    }
    if (effect == Effect.RATIO && both + onlyReference == 0) {
      return Interval.undefined(n, confidence);
    }
    double z = StandardNormal.quantile(1 - (1 - confidence) / 2);
    double[] bounds =
        switch (effect) {
          case DROP -> tango(onlyReference, onlyCandidate, n, z);
          case DIFFERENCE -> tango(onlyCandidate, onlyReference, n, z);
          case RATIO ->
              both + onlyReference == n
                  ? wilson(both, n, z)
                  : tang(both, onlyCandidate, onlyReference, n, z);
          default -> throw new IllegalStateException(effect.name());
        };
    return new Interval(items.effect(effect), bounds[0], bounds[1], n, confidence);
  }

  /**
   * Tango's interval for p1 - p2, the first condition's proportion less the second's, with {@code
   * onlyFirst} items right under the first alone and {@code onlySecond} under the second alone.
   */
  static double[] tango(int onlyFirst, int onlySecond, int n, double z) {
    DoubleUnaryOperator score =
        delta -> {
          // the probability of "right under the second alone" that is most likely given delta
          double a = 2.0 * n;
          double b = -onlyFirst - onlySecond + (2.0 * n - onlyFirst + onlySecond) * delta;
          double c = -onlySecond * delta * (1 - delta);
          double onlySecondTilde = (Math.sqrt(b * b - 4 * a * c) - b) / (2 * a);
          double deviation = onlyFirst - onlySecond - n * delta;
          return deviation / Math.sqrt(n * (2 * onlySecondTilde + delta * (1 - delta)));
        };
    double estimate = (double) (onlyFirst - onlySecond) / n;
    double lower = estimate == -1 ? -1 : root(score, z, -1, estimate, false);
    double upper = estimate == 1 ? 1 : root(score, -z, estimate, 1, false);
    return new double[] {lower, upper};
  }

  /**
   * Tang, Tang and Chan's interval for p1 / p2, the first condition's proportion over the second's,
   * with {@code both} items right under both conditions.
   */
  static double[] tang(int both, int onlyFirst, int onlySecond, int n, double z) {
    if (both + onlySecond == 0) {
      throw new IllegalArgumentException("no ratio over a second condition without a success");
    }
    DoubleUnaryOperator score =
        ratio -> {
          // the probability of "right under the second alone" that is most likely given the ratio
          double a = n * (1 + ratio);
          double b = (both + onlySecond) * ratio * ratio - (both + onlyFirst + 2.0 * onlySecond);
          double c = onlySecond * (1 - ratio) * (both + onlyFirst + onlySecond) / (double) n;
          double onlySecondTilde = (Math.sqrt(Math.max(0, b * b - 4 * a * c)) - b) / (2 * a);
          double deviation = both + onlyFirst - (both + onlySecond) * ratio;
          double variance =
              n * (1 + ratio) * onlySecondTilde + (both + onlyFirst + onlySecond) * (ratio - 1);
          return deviation / Math.sqrt(variance);
        };
    double estimate = (double) (both + onlyFirst) / (both + onlySecond);
    double lower = estimate == 0 ? 0 : root(score, z, 0, estimate, true);
    double upper =
        score.applyAsDouble(LARGEST_RATIO) > -z
            ? Double.POSITIVE_INFINITY
            : root(score, -z, estimate, LARGEST_RATIO, true);
    return new double[] {lower, upper};
  }

  /** Wilson's interval for {@code right} of {@code n} items. */
  static double[] wilson(int right, int n, double z) {
    double share = (double) right / n;
    double spread = z * z / n;
    double centre = (share + spread / 2) / (1 + spread);
    double half = z * Math.sqrt(share * (1 - share) / n + spread / (4.0 * n)) / (1 + spread);
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /**
   * Where the score, falling from above {@code target} at {@code from} to below it at {@code to},
   * crosses {@code target}: bisected, halfway on a log scale for a ratio. A score that is NaN (0
   * over 0 at an end of the range) counts as beyond the target on that end's side.
   */
  private static double root(
      DoubleUnaryOperator score, double target, double from, double to, boolean logScale) {
    double below = from;
    double above = to;
    for (int i = 0; i < BISECTIONS; i++) {
      double middle = logScale && below > 0 ? Math.sqrt(below * above) : (below + above) / 2;
      if (logScale && below == 0) {
        middle = above / 2;
      }
      double value = score.applyAsDouble(middle);
      if (value > target || (Double.isNaN(value) && middle - from < to - middle)) {
        below = middle;
      } else {
        above = middle;
      }
    }
    return (below + above) / 2;
  }
}
