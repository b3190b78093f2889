package dev.perennial.evaluator.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

  private static final PairedBootstrap BOOTSTRAP = new PairedBootstrap(0.95, 4000);

  @Test
  void effectsAreComputedFromTheItemsSums() {
    PairedItems items = new PairedItems(new double[] {1, 0, 1, 1}, new double[] {1, 1, 1, 1});

    assertThat(items.effect(Effect.DROP)).isEqualTo(0.25);
    assertThat(items.effect(Effect.DIFFERENCE)).isEqualTo(-0.25);
    PairedItems losses = new PairedItems(new double[] {3, 5}, new double[] {6, 10});
    assertThat(losses.effect(Effect.GAIN)).isEqualTo(0.5);
    assertThat(losses.effect(Effect.INCREASE)).isEqualTo(-0.5);
    assertThat(new PairedItems(new double[0], new double[0]).effect(Effect.DROP)).isNaN();
  }

  @Test
  void identicalModelsGetAZeroWidthIntervalAtZero() {
    double[] same = {1, 0, 1, 1, 0, 1};

    Interval interval = BOOTSTRAP.interval(new PairedItems(same, same), Effect.DROP, 7);

    assertThat(interval.estimate()).isZero();
    assertThat(interval.lower()).isZero();
    assertThat(interval.upper()).isZero();
    assertThat(interval.n()).isEqualTo(6);
  }

  @Test
  void theIntervalOfAMeanDifferenceIsCloseToTheNormalApproximation() {
    // 200 questions, 30 lost and 10 gained: a drop of 0.1 whose differences have sd ~0.447
    double[] candidate = new double[200];
    double[] reference = new double[200];
    for (int i = 0; i < 200; i++) {
      reference[i] = i < 150 ? 1 : 0;
      candidate[i] = reference[i];
    }
    for (int i = 0; i < 30; i++) {
      candidate[i] = 0;
    }
    for (int i = 150; i < 160; i++) {
      candidate[i] = 1;
    }

    Interval interval = BOOTSTRAP.interval(new PairedItems(candidate, reference), Effect.DROP, 11);

    double se = Math.sqrt((40.0 / 200 - 0.01) / 200);
    assertThat(interval.estimate()).isCloseTo(0.1, Offset.offset(1e-12));
    assertThat(interval.lower()).isCloseTo(0.1 - 1.96 * se, Offset.offset(0.01));
    assertThat(interval.upper()).isCloseTo(0.1 + 1.96 * se, Offset.offset(0.01));
  }

  @Test
  void theSameSeedGivesTheSameIntervalAndAnotherSeedAnotherDraw() {
    PairedItems items =
        new PairedItems(new double[] {3, 5, 4, 7, 2, 6}, new double[] {6, 9, 5, 8, 6, 7});

    Interval first = BOOTSTRAP.interval(items, Effect.GAIN, 42);

    assertThat(BOOTSTRAP.interval(items, Effect.GAIN, 42)).isEqualTo(first);
    assertThat(BOOTSTRAP.interval(items, Effect.GAIN, 43)).isNotEqualTo(first);
    assertThat(first.lower()).isLessThan(first.estimate());
    assertThat(first.upper()).isGreaterThan(first.estimate());
  }

  @Test
  void aNanItemMakesTheIntervalUndefined() {
    Interval interval =
        BOOTSTRAP.interval(
            new PairedItems(new double[] {1, Double.NaN}, new double[] {2, 2}), Effect.GAIN, 1);

    assertThat(interval.isUndefined()).isTrue();
  }

  /**
   * A ratio whose reference sums to 0 over its items (no reference success to compare with), and an
   * effect over no items, are undefined: no estimate and an unbounded interval, as {@link
   * PairedLogRatio} says of a loss ratio it cannot bound. NaN bounds read as a broken model to a
   * caller that decides on them, which fails the candidate for no fault of its own.
   */
  @Test
  void anUndefinedEffectHasAnUnboundedIntervalNotNanBounds() {
    PairedItems zeroReference =
        new PairedItems(new double[] {3, 0, 2, 5}, new double[] {0, 0, 0, 0});

    Interval ratio = BOOTSTRAP.interval(zeroReference, Effect.RATIO, 5);
    Interval none =
        BOOTSTRAP.interval(new PairedItems(new double[0], new double[0]), Effect.DROP, 5);

    assertThat(ratio.estimate()).isNaN();
    assertThat(ratio.isUnbounded()).as("%s", ratio).isTrue();
    assertThat(ratio.n()).isEqualTo(4);
    assertThat(none.isUnbounded()).as("%s", none).isTrue();
    assertThat(none.n()).isZero();
  }

  /**
   * A ratio over two items, one a reference success the candidate keeps (1 of 1) and one without
   * any (0 of 0): a quarter of the draws hold the second item twice, whose ratio is undefined, and
   * every other draw's ratio is 1. Left out, those draws made the interval [1, 1], conditioned on
   * draws that hold a reference success. An undefined draw may lie anywhere, and a quarter of the
   * draws is far more than the 2.5 % either tail holds: nothing bounds the ratio either way.
   */
  @Test
  void undefinedDrawsBeyondATailLeaveTheIntervalUnboundedNotNarrowed() {
    PairedItems items = new PairedItems(new double[] {1, 0}, new double[] {1, 0});

    Interval interval = new PairedBootstrap(0.95, 100).interval(items, Effect.RATIO, 3);

    assertThat(interval.estimate()).isEqualTo(1.0);
    assertThat(interval.lower()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(interval.upper()).isEqualTo(Double.POSITIVE_INFINITY);
  }

  /**
   * 100 draws at 95 %: the lower bound lies 2.475 places into the sorted draws (between the 3rd and
   * the 4th), the upper 96.525 (between the 97th and the 98th). The undefined draws count as the
   * lowest for the lower bound and the highest for the upper.
   */
  @Test
  void undefinedDrawsCountAsTheLowestForTheLowerBoundAndTheHighestForTheUpper() {
    double[] twoUndefined = new double[100];
    twoUndefined[0] = Double.NaN;
    twoUndefined[1] = Double.NaN;
    for (int i = 2; i < 100; i++) {
      twoUndefined[i] = (i - 2) / 100.0; // 0.00 .. 0.97
    }

    Interval two = PairedBootstrap.percentiles(0.5, twoUndefined, 10, 0.95);

    // lower: -inf, -inf, 0.00, 0.01 ...: 0.00 + 0.475 * 0.01; upper: ... 0.96, 0.97, +inf, +inf
    assertThat(two.lower()).isCloseTo(0.00475, Offset.offset(1e-12));
    assertThat(two.upper()).isCloseTo(0.96525, Offset.offset(1e-12));
    assertThat(two.estimate()).isEqualTo(0.5);
    // a third undefined draw reaches into both tails
    double[] threeUndefined = twoUndefined.clone();
    threeUndefined[2] = Double.NaN;
    Interval three = PairedBootstrap.percentiles(0.5, threeUndefined, 10, 0.95);
    assertThat(three.lower()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(three.upper()).isEqualTo(Double.POSITIVE_INFINITY);
    // without undefined draws, the plain percentiles: 0.02 + 0.475 * 0.01 and 0.96 + 0.525 * 0.01
    double[] defined = new double[100];
    for (int i = 0; i < 100; i++) {
      defined[i] = i / 100.0;
    }
    Interval none = PairedBootstrap.percentiles(0.5, defined, 10, 0.95);
    assertThat(none.lower()).isCloseTo(0.02475, Offset.offset(1e-12));
    assertThat(none.upper()).isCloseTo(0.96525, Offset.offset(1e-12));
  }

  /**
   * One reference success in 40 items, kept: a draw without that item ((39/40)^40, about 36 % of
   * them) is undefined, so both bounds are infinite and the ratio's gate is undecided, where the
   * draws that hold it alone said [1, 1].
   */
  @Test
  void aRatioOverOneReferenceSuccessIsUnboundedWhateverTheCandidateKept() {
    double[] candidate = new double[40];
    double[] reference = new double[40];
    candidate[0] = 1;
    reference[0] = 1;

    Interval interval =
        new PairedBootstrap(0.95, 1000)
            .interval(new PairedItems(candidate, reference), Effect.RATIO, 5);

    assertThat(interval.estimate()).isEqualTo(1.0);
    assertThat(interval.isUnbounded()).isTrue();
  }

  @Test
  void confidenceAndResamplesAreChecked() {
    assertThatThrownBy(() -> new PairedBootstrap(1.0, 1000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PairedBootstrap(0.95, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PairedItems(new double[1], new double[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
