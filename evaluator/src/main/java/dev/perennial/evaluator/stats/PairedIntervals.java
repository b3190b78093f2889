package dev.perennial.evaluator.stats;

/**
 * The interval a gate decides on, chosen by its items and effect: a score interval for right/wrong
 * items whose effect is a difference or a ratio ({@link PairedProportions}), a log-ratio interval
 * for a relative loss reduction or increase ({@link PairedLogRatio}), else the seeded bootstrap.
 */
public final class PairedIntervals {

  private PairedIntervals() {}

  /**
   * The effect and its interval at the bootstrap's confidence: NaN bounds when an item's value is
   * NaN (a broken model), {@link Interval#undefined} when the effect is undefined over the items.
   */
  public static Interval of(
      PairedItems items, Effect effect, PairedBootstrap bootstrap, long seed) {
    if (PairedProportions.fits(items, effect)) {
      return PairedProportions.interval(items, effect, bootstrap.confidence());
    }
    if (PairedLogRatio.fits(effect)) {
      return PairedLogRatio.interval(items, effect, bootstrap.confidence());
    }
    return bootstrap.interval(items, effect, seed);
  }
}
