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
