package dev.perennial.evaluator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.stats.PairedItems;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A gate that should judge a candidate never passes, and is never left out, on a measurement that
 * is missing (scoring that measured nothing, a metric renamed) or undefined (a ratio over a
 * reference of 0): it is undecided with n 0, or with its items, so the candidate is not released on
 * it.
 */
class UnmeasuredGatesTest {

  private static final GateThresholds THRESHOLDS =
      new GateThresholds(8, 0.05, 0.10, 0.05, 0.25, 6.0, 3);
  private static final PairedBootstrap BOOTSTRAP =
      new PairedBootstrap(0.95, 2000, EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT);
  private static final int POOL = 40;
  private static final int PAIRS = 20;

  private static AdapterCandidate candidate() {
    return Candidates.candidate(
        "acme/support",
        "acme/support@3-abc#candidate",
        "sha256:" + "a".repeat(64),
        Map.of(),
        "perennial-tiny",
        "sha256:" + "b".repeat(64),
        List.of(Candidates.shard("c".repeat(64), 30)),
        List.of(),
        0.003);
  }

  /** A pool on which the candidate clearly learnt: 40 % less loss than the base. */
  private static Measurements learnt() {
    Measurements m = new Measurements();
    double[] candidate = new double[POOL];
    double[] base = new double[POOL];
    for (int i = 0; i < POOL; i++) {
      base[i] = 8 + i % 5;
      candidate[i] = base[i] * (0.6 + (i % 2 == 0 ? 0.02 : -0.02));
    }
    m.put(LearningSuite.POOL_EXAMPLES, POOL);
    m.putPaired(LearningSuite.POOL_VS_BASE, new PairedItems(candidate, base));
    return m;
  }

  private static Map<String, Gate> byName(List<Gate> gates) {
    return gates.stream().collect(Collectors.toMap(Gate::getName, Function.identity()));
  }

  private static void assertNothingMeasured(Map<String, Gate> gates, String name) {
    assertThat(gates).as(name).containsKey(name);
    assertThat(Outcomes.of(gates.get(name)))
        .as(name)
        .isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(gates.get(name).getN()).as(name).isZero();
  }

  @Test
  void otherTenantsCanariesWhoseExposureWasNotMeasuredLeaveTheLeakageGateUndecided() {
    List<Gate> gates =
        GateRules.gates(
            learnt(), new GateScope(3, 0, 0, false, 0, false), THRESHOLDS, BOOTSTRAP, candidate());

    assertNothingMeasured(byName(gates), GateNames.LEAKAGE);
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(GateRules.leakageNote(learnt(), new GateScope(3, 0, 0, false, 0, false)))
        .hasValue(
            "the leakage gate is undecided: 3 canary(ies) of other tenants were planted, but the"
                + " candidate's exposure of them was not measured");
    assertThat(GateRules.leakageNote(learnt(), new GateScope(0, 0, 0, false, 0, false)))
        .hasValue(GateRules.leakageNotApplied());
  }

  @Test
  void heldOutPairsWhoseFeedbackWasNotMeasuredLeaveTheFeedbackGatesUndecided() {
    List<Gate> gates =
        GateRules.gates(
            learnt(),
            new GateScope(0, PAIRS, 0, false, 0, false),
            THRESHOLDS,
            BOOTSTRAP,
            candidate());

    Map<String, Gate> byName = byName(gates);
    for (String name :
        List.of(
            GateNames.FEEDBACK_PAIRS,
            GateNames.FEEDBACK_ACCURACY,
            GateNames.FEEDBACK_CHOSEN,
            GateNames.FEEDBACK_DRIFT,
            GateNames.FEEDBACK_LENGTH)) {
      assertNothingMeasured(byName, name);
    }
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(
            GateRules.feedbackNote(
                learnt(),
                new GateScope(0, PAIRS, 0, false, 0, false),
                GateThresholds.Feedback.DEFAULTS))
        .hasValue(
            "the feedback gates are undecided: the key's held-out pool holds 20 preference"
                + " pair(s), but the candidate was not measured on them");
  }

  @Test
  void aGeneralSetThatWasNotMeasuredLeavesRetentionUndecided() {
    List<Gate> gates =
        GateRules.gates(
            learnt(), new GateScope(0, 0, 50, false, 0, false), THRESHOLDS, BOOTSTRAP, candidate());

    assertNothingMeasured(byName(gates), GateNames.RETENTION_GENERAL);
    assertThat(GateRules.retentionNote(learnt(), new GateScope(0, 0, 50, false, 0, false)))
        .hasValue(
            "the retention gates are undecided: the candidate was not measured on the 50"
                + " example(s) of the base's general evaluation set, so forgetting what the base"
                + " knew was not measured");
  }

  @Test
  void anIncumbentThatWasNotComparedWithLeavesBothRegressionGatesUndecided() {
    // the general set measured against the base only, the pool's 12 earlier examples not at all
    Measurements m = learnt();
    double[] right = new double[50];
    Arrays.fill(right, 1);
    m.putPaired(RetentionSuite.GENERAL_VS_BASE, new PairedItems(right, right));

    List<Gate> gates =
        GateRules.gates(
            m, new GateScope(0, 0, 50, true, 12, false), THRESHOLDS, BOOTSTRAP, candidate());

    assertNothingMeasured(byName(gates), GateNames.REGRESSION_GENERAL);
    assertNothingMeasured(byName(gates), GateNames.REGRESSION_TENANT);
    GateScope scope = new GateScope(0, 0, 50, true, 12, false);
    assertThat(GateRules.retentionNote(m, scope))
        .hasValue(
            "the regression.general gate is undecided: the candidate was not compared with the"
                + " incumbent on the base's general evaluation set");
    assertThat(GateRules.regressionTenantNote(m, scope))
        .hasValue(
            "the regression.tenant gate is undecided: the key's held-out pool holds 12 example(s)"
                + " besides the candidate's own, but the candidate was not compared with the"
                + " incumbent on them");
  }

  @Test
  void anUpdateWhoseOwnExamplesWereNotComparedWithItsIncumbentHasLearningIncumbentUndecided() {
    // a MIN_EXAMPLES job continues the key's stable release, here another adapter than itself
    GateScope scope = new GateScope(0, 0, 0, true, 0, true);

    List<Gate> gates = GateRules.gates(learnt(), scope, THRESHOLDS, BOOTSTRAP, candidate());

    assertNothingMeasured(byName(gates), GateNames.LEARNING_INCUMBENT);
    assertThat(GateRules.learningIncumbentNote(learnt(), scope, candidate()))
        .hasValue(
            "the learning.incumbent gate is undecided: the candidate was not compared with the"
                + " incumbent on its own held-out examples, so nothing showed it learnt what is"
                + " new to the incumbent");
  }

  @Test
  void anUpdateWithoutHeldOutExamplesOfItsOwnHasLearningIncumbentUndecidedAndSaysWhy() {
    GateScope scope = new GateScope(0, 0, 0, true, 0, true);
    Measurements m = learnt();
    m.putPaired(LearningSuite.NEW_VS_INCUMBENT, new PairedItems(new double[0], new double[0]));

    List<Gate> gates = GateRules.gates(m, scope, THRESHOLDS, BOOTSTRAP, candidate());

    assertNothingMeasured(byName(gates), GateNames.LEARNING_INCUMBENT);
    assertThat(GateRules.learningIncumbentNote(m, scope, candidate()))
        .hasValue(
            "the learning.incumbent gate is undecided: the candidate has no held-out example of"
                + " its own (its job's held-out shards hold none), so nothing showed it learnt"
                + " what is new to the incumbent");
  }

  @Test
  void aPoolThatWasNotScoredLeavesLearningUndecidedEvenWhereNoExampleIsRequired() {
    // a tenant that requires no examples: learning.examples passes 0 of 0
    GateThresholds noMinimum = new GateThresholds(0, 0.05, 0.10, 0.05, 0.25, 6.0, 3);

    List<Gate> gates =
        GateRules.gates(
            new Measurements(),
            new GateScope(0, 0, 0, false, 0, false),
            noMinimum,
            BOOTSTRAP,
            candidate());

    assertNothingMeasured(byName(gates), GateNames.LEARNING);
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
  }

  @Test
  void aRebaseCandidateWhoseTransferWasNotMeasuredHasBothTransferGatesUndecided() {
    List<Gate> gates =
        GateRules.gates(
            learnt(),
            new GateScope(0, 0, 0, false, 0, false),
            THRESHOLDS,
            BOOTSTRAP,
            Candidates.rebased(LineageMethod.CARRIED_OVER));

    assertNothingMeasured(byName(gates), GateNames.TRANSFER_TENANT);
    assertNothingMeasured(byName(gates), GateNames.TRANSFER_FLIPS);
    assertThat(GateRules.transferNote(learnt(), Candidates.rebased(LineageMethod.CARRIED_OVER)))
        .hasValue(
            "the transfer gates are undecided: the candidate's answers to the key's held-out"
                + " questions were not compared with those of the release it moves, so nothing"
                + " showed what it carried over");
  }

  /**
   * 20 pairs whose chosen answers and reference answers are all empty (a chosen answer that starts
   * with a blank line, a reference that answers with a newline): the length ratio is 0 of 0.
   */
  @Test
  void aRatioOverAReferenceOfZeroIsUndecidedNotFailed() {
    Measurements m = new Measurements();
    double[] ranked = new double[PAIRS];
    double[] ones = new double[PAIRS];
    double[] chosen = new double[PAIRS];
    double[] referenceChosen = new double[PAIRS];
    double[] empty = new double[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
      ranked[i] = i == 0 ? 0 : 1;
      ones[i] = 1;
      referenceChosen[i] = 6 + i % 5;
      chosen[i] = referenceChosen[i] * (0.7 + (i % 2 == 0 ? 0.03 : -0.03));
    }
    m.put(FeedbackSuite.PAIRS, PAIRS);
    m.putPaired(FeedbackSuite.RANKED_RIGHT, new PairedItems(ranked, ones));
    m.putPaired(FeedbackSuite.CHOSEN_VS_REFERENCE, new PairedItems(chosen, referenceChosen));
    double[] differing = new double[40];
    double[] tokens = new double[40];
    for (int i = 0; i < 40; i++) {
      differing[i] = i % 3;
      tokens[i] = 30;
    }
    m.putPaired(FeedbackSuite.DRIFT_VS_REFERENCE, new PairedItems(differing, tokens));
    m.putPaired(
        FeedbackSuite.LENGTH_OUTSIDE_FEEDBACK, FeedbackSuite.lengthOutside(empty, empty, empty));

    List<Gate> gates =
        GateRules.feedbackGates(
            m,
            new GateScope(0, PAIRS, 40, false, 0, false),
            GateThresholds.Feedback.DEFAULTS,
            BOOTSTRAP,
            "acme/support@3-abc#candidate");

    Gate length = byName(gates).get(GateNames.FEEDBACK_LENGTH);
    assertThat(Outcomes.of(length)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(length.getN()).isEqualTo(PAIRS);
    assertThat(length.getValue()).isNaN();
    assertThat(GateInterval.isUndefinedRatio(length)).isTrue();
    assertThat(GateInterval.hasTooFewItems(length)).isFalse();
    assertThat(GateOutcomes.describe(length))
        .startsWith(
            "feedback.length n 20 <= 0.200, no bounded 95 % interval: no reference success to"
                + " compare with (the reference sums to 0 over the items, so the ratio is"
                + " undefined); ")
        .endsWith("so no threshold decides it");
    // a NaN value among the items is a broken model: it still fails
    double[] broken = new double[PAIRS];
    broken[3] = Double.NaN;
    m.putPaired(FeedbackSuite.LENGTH_OUTSIDE_FEEDBACK, new PairedItems(broken, empty));
    Gate nan =
        byName(
                GateRules.feedbackGates(
                    m,
                    new GateScope(0, PAIRS, 40, false, 0, false),
                    GateThresholds.Feedback.DEFAULTS,
                    BOOTSTRAP,
                    "acme/support@3-abc#candidate"))
            .get(GateNames.FEEDBACK_LENGTH);
    assertThat(Outcomes.of(nan)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
  }
}
