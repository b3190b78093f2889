package dev.perennial.cli.bench.upgrade;

import dev.perennial.evaluator.stats.ExactBinomial;
import dev.perennial.evaluator.stats.Interval;
import dev.perennial.model.bench.UpgradeBenchmark.FlipPairing;

/**
 * How much more one method flips than another on the same items, with an exact interval. Items both
 * methods flip, or neither, say nothing about the difference; of the {@code d} items only one of
 * them flips, the first's share p has a Clopper-Pearson interval (McNemar's exact test, given
 * {@code d}), and the difference of the two flip rates is {@code d (2p - 1) / n} over the {@code n}
 * items. So a re-basing can be compared with training's own churn on the old base without the two
 * rates' separate intervals, which overlap long before a difference is undecidable.
 */
public final class FlipDifference {

  private FlipDifference() {}

  /**
   * The first method's flip rate minus the second's, and its central {@code confidence} interval
   * (NaN bounds where no item tells them apart, or there are no items).
   */
  public static Interval of(FlipPairing pairing, double confidence) {
    int discordant = pairing.onlyFirst() + pairing.onlySecond();
    int n = pairing.oldRight();
    if (discordant == 0 || n == 0) {
      return new Interval(pairing.difference(), Double.NaN, Double.NaN, n, confidence);
    }
    Interval share = ExactBinomial.interval(pairing.onlyFirst(), discordant, confidence);
    double scale = (double) discordant / n;
    return new Interval(
        pairing.difference(),
        scale * (2 * share.lower() - 1),
        scale * (2 * share.upper() - 1),
        n,
        confidence);
  }
}
