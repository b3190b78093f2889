package dev.perennial.evaluator.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExactBinomialTest {

  @Test
  void noSuccessHasTheClosedFormUpperBoundAndAllSuccessesTheClosedFormLowerBound() {
    // with k = 0 the upper bound solves (1 - p)^n = tail; with k = n the lower bound p^n = tail
    Interval none = ExactBinomial.interval(0, 20, 0.95);
    assertThat(none.estimate()).isZero();
    assertThat(none.lower()).isZero();
    assertThat(none.upper()).isCloseTo(1 - Math.pow(0.025, 1 / 20.0), within(1e-12));

    Interval all = ExactBinomial.interval(20, 20, 0.95);
    assertThat(all.lower()).isCloseTo(Math.pow(0.025, 1 / 20.0), within(1e-12));
    assertThat(all.upper()).isEqualTo(1);
  }

  @Test
  void matchesPublishedClopperPearsonBounds() {
    // 5 of 10 at 95 %: [0.1871, 0.8129]; 1 of 20: [0.00127, 0.2487] (R's binom.test)
    Interval half = ExactBinomial.interval(5, 10, 0.95);
    assertThat(half.lower()).isCloseTo(0.18709, within(1e-5));
    assertThat(half.upper()).isCloseTo(0.81291, within(1e-5));

    Interval one = ExactBinomial.interval(1, 20, 0.95);
    assertThat(one.estimate()).isEqualTo(0.05);
    assertThat(one.lower()).isCloseTo(0.0012651, within(1e-6));
    assertThat(one.upper()).isCloseTo(0.24873, within(1e-5));
    assertThat(one.n()).isEqualTo(20);
  }

  @Test
  void theBoundsAtTheirPointHoldExactlyTheTailProbability() {
    // 30 flips in 593 right answers, the size of bench upgrade's five tenants
    Interval interval = ExactBinomial.interval(30, 593, 0.95);
    assertThat(1 - ExactBinomial.cumulative(29, 593, interval.lower()))
        .isCloseTo(0.025, within(1e-9));
    assertThat(ExactBinomial.cumulative(30, 593, interval.upper())).isCloseTo(0.025, within(1e-9));
    assertThat(interval.lower()).isLessThan(30 / 593.0);
    assertThat(interval.upper()).isGreaterThan(30 / 593.0);
  }

  @Test
  void aConfidenceNearOneKeepsTheLowerBoundsDigitsAtLargeN() {
    // scipy 1.17: stats.beta.ppf(5e-8, 50000, 50001) = 0.49157332944002446 and
    // stats.beta.isf(5e-8, 50001, 50000) = 0.5084266705599756; a tail of 5e-8 taken as
    // 1 - P(X <= k - 1) kept only its first digits and put the lower bound at 0.4915671
    Interval half = ExactBinomial.interval(50_000, 100_000, 0.9999999);
    assertThat(half.lower()).isCloseTo(0.49157332944002446, within(1e-9));
    assertThat(half.upper()).isCloseTo(0.5084266705599756, within(1e-9));
  }

  @Test
  void noTrialIsUndefinedAndImpossibleCountsAreRefused() {
    assertThat(ExactBinomial.interval(0, 0, 0.95).isUndefined()).isTrue();
    assertThatThrownBy(() -> ExactBinomial.interval(3, 2, 0.95))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 successes in 2 trials");
  }
}
