package dev.perennial.trainer.search;

import java.util.Comparator;

/**
 * How a trial recipe did, as the evaluator's own measurements rank it: a trial whose gates pass
 * beats one whose gates fail; then the larger learning gain wins; then the larger margin over the
 * incumbent beyond the interval (the lower bound of the paired difference).
 */
public record TrialScore(boolean gatesPassed, double learningGain, double marginBeyondInterval) {

  /** Best first. */
  public static final Comparator<TrialScore> BEST_FIRST =
      Comparator.comparing(TrialScore::gatesPassed)
          .thenComparingDouble(TrialScore::learningGain)
          .thenComparingDouble(TrialScore::marginBeyondInterval)
          .reversed();
}
