package dev.perennial.evaluator.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The log-ratio interval against values worked by hand: reference losses 10, 20, 30, 40 and the
 * candidate's 9, 19, 26, 36, a ratio of sums of 90 / 100; influence terms 9/22.5 - 10/25 = 0,
 * 19/22.5 - 20/25 = 2/45, 26/22.5 - 30/25 = -2/45, 36/22.5 - 40/25 = 0, leverages 0.1 to 0.4, so
 * the log ratio's standard error is sqrt((2/45 / 0.8)^2 + (2/45 / 0.7)^2) / 4 = 0.0210916 and with
 * Student's t at 3 degrees of freedom (3.182446) the ratio's bounds are exp(log 0.9 -+ 0.0671228).
 */
class PairedLogRatioTest {

  private static final PairedItems LOSSES =
      new PairedItems(new double[] {9, 19, 26, 36}, new double[] {10, 20, 30, 40});

  @Test
  void aGainIsOneMinusTheRatioOfSumsWithTheDeltaIntervalOfItsLogMappedBack() {
    Interval gain = PairedLogRatio.interval(LOSSES, Effect.GAIN, 0.95);

    assertThat(gain.estimate()).isCloseTo(0.10, within(1e-12));
    assertThat(gain.lower()).isCloseTo(0.037516, within(1e-6));
    assertThat(gain.upper()).isCloseTo(0.158428, within(1e-6));
    assertThat(gain.n()).isEqualTo(4);
  }

  @Test
  void anIncreaseIsTheRatioMinusOneWithTheSameBoundsMirrored() {
    Interval increase = PairedLogRatio.interval(LOSSES, Effect.INCREASE, 0.95);

    assertThat(increase.estimate()).isCloseTo(-0.10, within(1e-12));
    assertThat(increase.lower()).isCloseTo(-0.158428, within(1e-6));
    assertThat(increase.upper()).isCloseTo(-0.037516, within(1e-6));
  }

  @Test
  void examplesOfVeryDifferentLengthsStillGetABoundedInterval() {
    // where Fieller's interval was unbounded: two examples, one 50 times the other's length
    Interval gain =
        PairedLogRatio.interval(
            new PairedItems(new double[] {0.9, 60}, new double[] {1, 100}), Effect.GAIN, 0.95);

    assertThat(gain.isUnbounded()).isFalse();
    assertThat(gain.lower()).isFinite().isLessThan(gain.estimate());
    assertThat(gain.upper()).isLessThan(1).isGreaterThan(gain.estimate());
  }

  @Test
  void fewerThanTwoItemsASumThatIsNotPositiveOrOneItemHoldingItLeaveItUnboundedAndNaNFails() {
    Interval oneHoldsAll =
        PairedLogRatio.interval(
            new PairedItems(new double[] {5, 1}, new double[] {10, 0}), Effect.GAIN, 0.95);
    Interval one =
        PairedLogRatio.interval(
            new PairedItems(new double[] {5}, new double[] {10}), Effect.GAIN, 0.95);
    Interval candidateZero =
        PairedLogRatio.interval(
            new PairedItems(new double[] {0, 0}, new double[] {10, 20}), Effect.GAIN, 0.95);
    Interval referenceZero =
        PairedLogRatio.interval(
            new PairedItems(new double[] {1, 2}, new double[] {0, 0}), Effect.INCREASE, 0.95);
    Interval broken =
        PairedLogRatio.interval(
            new PairedItems(new double[] {Double.NaN, 2}, new double[] {10, 20}),
            Effect.GAIN,
            0.95);

    assertThat(one.isUnbounded()).isTrue();
    assertThat(oneHoldsAll.isUnbounded()).isTrue();
    assertThat(one.estimate()).isEqualTo(0.5);
    assertThat(candidateZero.isUnbounded()).isTrue();
    assertThat(candidateZero.estimate()).isEqualTo(1.0);
    assertThat(referenceZero.isUnbounded()).isTrue();
    assertThat(referenceZero.estimate()).isNaN();
    assertThat(broken.isUnbounded()).isFalse();
    assertThat(broken.isUndefined()).isTrue();
  }
}
