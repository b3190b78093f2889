package dev.perennial.schemas.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import org.junit.jupiter.api.Test;

class GateIntervalTest {

  private static Gate statistical(
      double value, double lower, double upper, EvaluationOutcome outcome) {
    return Gate.newBuilder()
        .setName("learning")
        .setValue(value)
        .setThreshold(0.05)
        .setComparator(GateComparator.GREATER_OR_EQUAL)
        .setPassed(outcome == EvaluationOutcome.PASSED)
        .setOutcome(outcome)
        .setN(12)
        .setLower(lower)
        .setUpper(upper)
        .setConfidence(0.95)
        .build();
  }

  private static Gate point(double value) {
    return Gate.newBuilder()
        .setName("leakage")
        .setValue(value)
        .setThreshold(6.0)
        .setComparator(GateComparator.LESS_OR_EQUAL)
        .setPassed(false)
        .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        .setN(0)
        .build();
  }

  @Test
  void finiteBoundsOrOneInfiniteBoundAreBounded() {
    assertThat(GateInterval.of(statistical(0.4, 0.3, 0.5, EvaluationOutcome.PASSED)))
        .isEqualTo(GateInterval.BOUNDED);
    assertThat(
            GateInterval.of(
                statistical(0.4, 0.3, Double.POSITIVE_INFINITY, EvaluationOutcome.PASSED)))
        .isEqualTo(GateInterval.BOUNDED);
  }

  @Test
  void anUndefinedRatioIsUnboundedAndAnUndefinedEffect() {
    Gate undefined =
        statistical(
            Double.NaN,
            Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY,
            EvaluationOutcome.INSUFFICIENT_EVIDENCE);

    assertThat(GateInterval.of(undefined)).isEqualTo(GateInterval.UNBOUNDED);
    assertThat(GateInterval.isUndefinedRatio(undefined)).isTrue();
    assertThat(GateInterval.isUndefinedEffect(undefined)).isTrue();
    assertThat(GateInterval.hasTooFewItems(undefined)).isFalse();
  }

  @Test
  void anUnboundedRatioWithAnEstimateIsNoUndefinedEffect() {
    Gate unbounded =
        statistical(
            0.9,
            Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY,
            EvaluationOutcome.INSUFFICIENT_EVIDENCE);

    assertThat(GateInterval.of(unbounded)).isEqualTo(GateInterval.UNBOUNDED);
    assertThat(GateInterval.isUndefinedRatio(unbounded)).isFalse();
    assertThat(GateInterval.isUndefinedEffect(unbounded)).isFalse();
  }

  @Test
  void nanBoundsOfAnUndecidedGateAreTooFewItemsAndOfAFailedOneNotANumber() {
    Gate tooFew = statistical(1.0, Double.NaN, Double.NaN, EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    Gate broken = statistical(Double.NaN, Double.NaN, Double.NaN, EvaluationOutcome.FAILED);

    assertThat(GateInterval.of(tooFew)).isEqualTo(GateInterval.TOO_FEW_ITEMS);
    assertThat(GateInterval.of(broken)).isEqualTo(GateInterval.NOT_A_NUMBER);
    // a NaN score is shown as it is, never as an undefined effect
    assertThat(GateInterval.isUndefinedEffect(broken)).isFalse();
  }

  @Test
  void aGateWithoutAnIntervalIsAnUndefinedEffectOnlyWithoutAnEstimate() {
    assertThat(GateInterval.isUndefinedEffect(point(Double.NaN))).isTrue();
    assertThat(GateInterval.isUndefinedEffect(point(7.2))).isFalse();
    assertThat(GateInterval.isUnbounded(point(Double.NaN))).isFalse();
  }

  @Test
  void eachKindSaysWhyThereAreNoBoundsToShow() {
    assertThat(GateInterval.UNBOUNDED.shown()).isEqualTo("unbounded");
    assertThat(GateInterval.TOO_FEW_ITEMS.shown()).isEqualTo("too few items");
    assertThat(GateInterval.NOT_A_NUMBER.shown()).isEqualTo("not a number");
  }
}
