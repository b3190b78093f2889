package dev.perennial.evaluator.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Score intervals against the values of Fagerland, Lydersen and Laake's R package contingencytables
 * (its tests of chapters 2 and 8, printed to 4 decimals): Cavo et al. (2012), complete response of
 * 161 patients before and after consolidation therapy, 59 both, 6 before only, 16 after only, 80
 * neither; Ligarden et al. (2010), 13 of 16.
 */
class PairedProportionsTest {

  private static final double PRINTED = 0.00005;

  /** Right/wrong items: both models right, the candidate alone, the reference alone, neither. */
  private static PairedItems table(int both, int onlyCandidate, int onlyReference, int neither) {
    int n = both + onlyCandidate + onlyReference + neither;
    double[] candidate = new double[n];
    double[] reference = new double[n];
    for (int i = 0; i < n; i++) {
      candidate[i] = i < both + onlyCandidate ? 1 : 0;
      reference[i] = i < both || (i >= both + onlyCandidate && i < n - neither) ? 1 : 0;
    }
    return new PairedItems(candidate, reference);
  }

  @Test
  void aDropIsTangosIntervalForTheDifferenceOfPairedProportions() {
    // the reference is "before" (59 + 6 right), the candidate "after" (59 + 16)
    Interval drop = PairedProportions.interval(table(59, 16, 6, 80), Effect.DROP, 0.95);

    assertThat(drop.estimate()).isCloseTo(-10.0 / 161, within(1e-12));
    assertThat(drop.lower()).isCloseTo(-0.1240, within(PRINTED));
    assertThat(drop.upper()).isCloseTo(-0.0054, within(PRINTED));
    assertThat(drop.n()).isEqualTo(161);
  }

  @Test
  void aDifferenceIsTheDropTheOtherWayRound() {
    Interval difference = PairedProportions.interval(table(59, 6, 16, 80), Effect.DIFFERENCE, 0.95);

    assertThat(difference.lower()).isCloseTo(-0.1240, within(PRINTED));
    assertThat(difference.upper()).isCloseTo(-0.0054, within(PRINTED));
  }

  @Test
  void everyItemLostGivesADropOfOneWithTangosLowerBound() {
    Interval drop = PairedProportions.interval(table(0, 0, 3, 0), Effect.DROP, 0.95);

    assertThat(drop.estimate()).isEqualTo(1);
    assertThat(drop.lower()).isCloseTo(-0.1230, within(PRINTED));
    assertThat(drop.upper()).isEqualTo(1);
  }

  @Test
  void aRatioIsTangsIntervalForTheRatioOfPairedProportions() {
    // the candidate is "before" (59 + 6 right) over the reference "after" (59 + 16)
    Interval ratio = PairedProportions.interval(table(59, 6, 16, 80), Effect.RATIO, 0.95);

    assertThat(ratio.estimate()).isCloseTo(65.0 / 75, within(1e-12));
    assertThat(ratio.lower()).isCloseTo(0.7476, within(PRINTED));
    assertThat(ratio.upper()).isCloseTo(0.9876, within(PRINTED));
  }

  @Test
  void aRatioOverAReferenceRightOnEveryItemIsWilsonsIntervalForTheShare() {
    Interval share = PairedProportions.interval(table(13, 0, 3, 0), Effect.RATIO, 0.95);

    assertThat(share.estimate()).isEqualTo(13.0 / 16);
    assertThat(share.lower()).isCloseTo(0.5699, within(PRINTED));
    assertThat(share.upper()).isCloseTo(0.9341, within(PRINTED));
  }

  @Test
  void identicalAnswersGiveAnIntervalAroundZeroThatNarrowsWithTheItems() {
    Interval few = PairedProportions.interval(table(6, 0, 0, 6), Effect.DROP, 0.95);
    Interval many = PairedProportions.interval(table(60, 0, 0, 60), Effect.DROP, 0.95);

    // a bootstrap gives [0, 0] for both: it cannot draw a disagreement it never saw
    assertThat(few.lower()).isNegative();
    assertThat(few.upper()).isGreaterThan(0.15);
    assertThat(many.upper()).isPositive().isLessThan(few.upper() / 2);
  }

  @Test
  void aRatioWithoutAnyItemTheReferenceGotRightIsUndefined() {
    Interval ratio = PairedProportions.interval(table(0, 3, 0, 5), Effect.RATIO, 0.95);

    assertThat(ratio.isUndefined()).isTrue();
  }

  @Test
  void aRatioWithoutAnyReferenceSuccessHasAnUnboundedIntervalNotNanBounds() {
    Interval ratio = PairedProportions.interval(table(0, 3, 0, 5), Effect.RATIO, 0.95);

    assertThat(ratio.estimate()).isNaN();
    assertThat(ratio.isUnbounded()).as("%s", ratio).isTrue();
    assertThat(ratio.n()).isEqualTo(8);
  }

  @Test
  void onlyRightOrWrongItemsOfADifferenceOrRatioFit() {
    PairedItems answers = table(5, 1, 2, 4);
    PairedItems losses = new PairedItems(new double[] {0.5, 1}, new double[] {1, 1});

    assertThat(PairedProportions.fits(answers, Effect.DROP)).isTrue();
    assertThat(PairedProportions.fits(answers, Effect.DIFFERENCE)).isTrue();
    assertThat(PairedProportions.fits(answers, Effect.RATIO)).isTrue();
    assertThat(PairedProportions.fits(answers, Effect.GAIN)).isFalse();
    assertThat(PairedProportions.fits(losses, Effect.DROP)).isFalse();
    assertThat(PairedProportions.fits(new PairedItems(new double[0], new double[0]), Effect.DROP))
        .isFalse();
  }

  @Test
  void theNormalQuantileIsTheOneTablesGive() {
    assertThat(StandardNormal.quantile(0.975)).isCloseTo(1.959963984540054, within(1e-12));
    assertThat(StandardNormal.quantile(0.95)).isCloseTo(1.6448536269514722, within(1e-12));
    assertThat(StandardNormal.quantile(0.5)).isCloseTo(0, within(1e-12));
    assertThat(StandardNormal.quantile(0.005)).isCloseTo(-2.5758293035489004, within(1e-12));
  }
}
