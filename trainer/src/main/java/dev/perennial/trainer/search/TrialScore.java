package dev.perennial.trainer.search;

import java.util.Comparator;

/**
 * How a trial recipe did, as the trainer's stand-in for the evaluator's measurements ranks it: a
 * trial whose gates pass beats one whose gates fail; then the larger {@link #netGain} wins (what it
 * learnt minus what it lost of what the key knew); then the larger margin over the incumbent beyond
 * the interval (the lower bound of the paired difference).
 *
 * @param learningGain loss on the examples the search ranks on, before minus after (nats)
 * @param replayLossChange loss on the job's replay sample, after minus before (nats; positive: the
 *     trial lost some of what the key knew), NaN when the job has no replay to measure
 */
public record TrialScore(
    boolean gatesPassed,
    double learningGain,
    double replayLossChange,
    double marginBeyondInterval) {

  /** Best first. */
  public static final Comparator<TrialScore> BEST_FIRST =
      Comparator.comparing(TrialScore::gatesPassed)
          .thenComparingDouble(TrialScore::netGain)
          .thenComparingDouble(TrialScore::marginBeyondInterval)
          .reversed();

  /**
   * The learning gain less the replay loss change, both in nats of mean token loss: a faster recipe
   * must keep what the key knew, not only learn the new examples faster. Without replay, the
   * learning gain alone.
   */
  public double netGain() {
    return Double.isNaN(replayLossChange) ? learningGain : learningGain - replayLossChange;
  }
}
