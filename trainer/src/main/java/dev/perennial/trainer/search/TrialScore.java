package dev.perennial.trainer.search;

import java.util.Comparator;

/**
 * How a trial recipe did, as the trainer's stand-in for the evaluator's measurements ranks it: a
 * trial that diverged ranks last; a trial whose gates pass beats one whose gates fail; then the
 * larger {@link #netGain} wins (what it learnt minus what it lost of what the key knew); then the
 * larger margin over the incumbent beyond the interval (the lower bound of the paired difference).
 *
 * @param learningGain loss on the examples the search ranks on, before minus after (nats)
 * @param replayLossChange loss on the job's held-out replay sample ({@link ReplayHoldOut}), after
 *     minus before (nats; positive: the trial lost some of what the key knew), NaN when the job has
 *     no replay to measure
 * @param diverged whether a loss measured after the trial was not finite: such a trial fails its
 *     gates, never goes on and never wins ({@link SuccessiveHalving})
 */
public record TrialScore(
    boolean gatesPassed,
    double learningGain,
    double replayLossChange,
    double marginBeyondInterval,
    boolean diverged) {

  public TrialScore {
    if (diverged && gatesPassed) {
      throw new IllegalArgumentException("a trial that diverged cannot pass its gates");
    }
  }

  /** A trial that did not diverge. */
  public TrialScore(
      boolean gatesPassed,
      double learningGain,
      double replayLossChange,
      double marginBeyondInterval) {
    this(gatesPassed, learningGain, replayLossChange, marginBeyondInterval, false);
  }

  /**
   * A trial's score from what it learnt, in a job without replay to measure: its gates pass; the
   * trainer has no incumbent interval, so the margin is 0. A learning gain that is not finite means
   * the trial diverged.
   */
  public static TrialScore measured(double learningGain) {
    if (!Double.isFinite(learningGain)) {
      return diverged(learningGain, Double.NaN);
    }
    return new TrialScore(true, learningGain, Double.NaN, 0);
  }

  /**
   * A trial's score from what it learnt and its held-out replay loss change, measured: its gates
   * pass when the change is at most {@link SearchSettings#RETENTION_TOLERANCE}; the margin is 0. A
   * gain or a change that is not finite means the trial diverged.
   */
  public static TrialScore measured(double learningGain, double replayLossChange) {
    if (!Double.isFinite(learningGain) || !Double.isFinite(replayLossChange)) {
      return diverged(learningGain, replayLossChange);
    }
    return new TrialScore(
        replayLossChange <= SearchSettings.RETENTION_TOLERANCE, learningGain, replayLossChange, 0);
  }

  /**
   * A trial after which a loss was not finite (its weights left the finite range, or its replay
   * sample's loss, measured, came out NaN).
   */
  public static TrialScore diverged(double learningGain, double replayLossChange) {
    return new TrialScore(false, learningGain, replayLossChange, 0, true);
  }

  /** Best first. */
  public static final Comparator<TrialScore> BEST_FIRST =
      Comparator.comparing((TrialScore s) -> !s.diverged())
          .thenComparing(TrialScore::gatesPassed)
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
