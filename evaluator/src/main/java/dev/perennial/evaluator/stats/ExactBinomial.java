package dev.perennial.evaluator.stats;

/**
 * The Clopper-Pearson interval of a proportion: {@code successes} of {@code trials} independent
 * trials. Exact, so it never claims more than the count shows: no success in 20 trials gives an
 * upper bound of 16.8 % at 95 %, where a bootstrap, which can only redraw what it saw, gives [0,
 * 0].
 */
public final class ExactBinomial {

  private static final int BISECTIONS = 60;

  private ExactBinomial() {}

  /**
   * The proportion and its central {@code confidence} interval; NaN bounds without trials.
   *
   * @param successes at least 0, at most {@code trials}
   */
  public static Interval interval(int successes, int trials, double confidence) {
    if (successes < 0 || successes > trials) {
      throw new IllegalArgumentException(successes + " successes in " + trials + " trials");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
    }
    if (trials == 0) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN, 0, confidence);
    }
    double tail = (1 - confidence) / 2;
    double lower = successes == 0 ? 0 : lowestP(successes, trials, tail);
    double upper = successes == trials ? 1 : highestP(successes, trials, tail);
    return new Interval((double) successes / trials, lower, upper, trials, confidence);
  }

  /** The p at which at least {@code k} successes have probability {@code tail}. */
  private static double lowestP(int k, int n, double tail) {
    double below = 0;
    double above = 1;
    for (int i = 0; i < BISECTIONS; i++) {
      double p = (below + above) / 2;
      if (upperTail(k, n, p) < tail) {
        below = p;
      } else {
        above = p;
      }
    }
    return (below + above) / 2;
  }

  /** The p at which at most {@code k} successes have probability {@code tail}. */
  private static double highestP(int k, int n, double tail) {
    double below = 0;
    double above = 1;
    for (int i = 0; i < BISECTIONS; i++) {
      double p = (below + above) / 2;
      if (cumulative(k, n, p) > tail) {
        below = p;
      } else {
        above = p;
      }
    }
    return (below + above) / 2;
  }

  /** P(X <= k) for X ~ Binomial(n, p), 0 < p < 1, summed in log space so large n stays finite. */
  static double cumulative(int k, int n, double p) {
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double logCoefficient = 0; // log C(n, 0)
    double sum = 0;
    for (int i = 0; i <= k; i++) {
      if (i > 0) {
        logCoefficient += Math.log((double) (n - i + 1) / i);
      }
      sum += Math.exp(logCoefficient + i * logP + (n - i) * logQ);
    }
    return Math.min(sum, 1);
  }

  /**
   * P(X >= k) for X ~ Binomial(n, p), 0 < p < 1, summed from n down rather than as 1 - P(X <= k -
   * 1), which keeps only the digits of a tail as small as the one a confidence near 1 asks for.
   */
  static double upperTail(int k, int n, double p) {
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double logCoefficient = 0; // log C(n, n)
    double sum = 0;
    for (int i = n; i >= k; i--) {
      if (i < n) {
        logCoefficient += Math.log((double) (i + 1) / (n - i));
      }
      sum += Math.exp(logCoefficient + i * logP + (n - i) * logQ);
    }
    return Math.min(sum, 1);
  }
}
