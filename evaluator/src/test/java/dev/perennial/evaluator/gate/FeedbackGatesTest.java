package dev.perennial.evaluator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.stats.Effect;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.stats.PairedItems;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.testing.Scopes;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The feedback gates on constructed score sets, with the default thresholds (8 pairs, accuracy 0.6,
 * chosen tolerance 0.05, drift 0.1, length outside the feedback 0.2): 20 held-out pairs, 40 general
 * examples of 30 scored tokens each.
 */
class FeedbackGatesTest {

  private static final GateThresholds.Feedback THRESHOLDS = GateThresholds.Feedback.DEFAULTS;
  private static final PairedBootstrap BOOTSTRAP =
      new PairedBootstrap(0.95, 2000, EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT);
  private static final String CANDIDATE = "acme/support@7-fb#candidate";
  private static final int PAIRS = 20;
  private static final int GENERAL = 40;

  /** The reference's loss on pair i's chosen answer: 6 to 10 nats. */
  private static double referenceLoss(int i) {
    return 6 + i % 5;
  }

  /** The measurements of {@code pairs} pairs of which the first {@code right} are ranked right. */
  private static Measurements measured(
      int pairs, int right, double chosenShare, int differingTokens, double lengthShare) {
    return measured(pairs, right, chosenShare, differingTokens, lengthShare, 1.0);
  }

  /**
   * As above, the candidate's answers {@code lengthShare} and the chosen answers {@code
   * chosenLengthShare} times the reference's length (10 to 16 characters).
   */
  private static Measurements measured(
      int pairs,
      int right,
      double chosenShare,
      int differingTokens,
      double lengthShare,
      double chosenLengthShare) {
    Measurements m = new Measurements();
    m.put(FeedbackSuite.PAIRS, pairs);
    double[] ranked = new double[pairs];
    double[] ones = new double[pairs];
    double[] chosen = new double[pairs];
    double[] referenceChosen = new double[pairs];
    double[] lengths = new double[pairs];
    double[] referenceLengths = new double[pairs];
    double[] chosenLengths = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      ranked[i] = i < right ? 1 : 0;
      ones[i] = 1;
      referenceChosen[i] = referenceLoss(i);
      chosen[i] = referenceLoss(i) * (chosenShare + (i % 2 == 0 ? 0.03 : -0.03));
      referenceLengths[i] = 10 + i % 7;
      lengths[i] = referenceLengths[i] * (lengthShare + (i % 3 - 1) * 0.02);
      chosenLengths[i] = referenceLengths[i] * chosenLengthShare;
    }
    m.putPaired(FeedbackSuite.RANKED_RIGHT, new PairedItems(ranked, ones));
    m.putPaired(FeedbackSuite.CHOSEN_VS_REFERENCE, new PairedItems(chosen, referenceChosen));
    double[] differing = new double[GENERAL];
    double[] tokens = new double[GENERAL];
    for (int i = 0; i < GENERAL; i++) {
      differing[i] = differingTokens + (i % 3 - 1);
      tokens[i] = 30;
    }
    m.putPaired(FeedbackSuite.DRIFT_VS_REFERENCE, new PairedItems(differing, tokens));
    m.putPaired(
        FeedbackSuite.LENGTH_OUTSIDE_FEEDBACK,
        FeedbackSuite.lengthOutside(lengths, referenceLengths, chosenLengths));
    return m;
  }

  private static Map<String, EvaluationOutcome> outcomes(List<Gate> gates) {
    return gates.stream().collect(Collectors.toMap(Gate::getName, Outcomes::of));
  }

  private static Map<String, Gate> byName(List<Gate> gates) {
    return gates.stream().collect(Collectors.toMap(Gate::getName, Function.identity()));
  }

  private static List<Gate> gates(Measurements m) {
    return GateRules.feedbackGates(m, Scopes.of(m), THRESHOLDS, BOOTSTRAP, CANDIDATE);
  }

  @Test
  void aCandidateThatLearntTheFeedbackWithoutSideEffectsPassesEveryFeedbackGate() {
    // 19 of 20 pairs ranked right, chosen answers 30 % likelier in loss, 1 token in 30 drifted
    List<Gate> gates = gates(measured(PAIRS, 19, 0.7, 1, 1.0));

    assertThat(gates)
        .extracting(Gate::getName)
        .containsExactly(
            "feedback.pairs",
            "feedback.accuracy",
            "feedback.chosen",
            "feedback.drift",
            "feedback.length");
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.PASSED);
    Gate accuracy = byName(gates).get("feedback.accuracy");
    assertThat(accuracy.getN()).isEqualTo(PAIRS);
    assertThat(accuracy.getValue()).isEqualTo(0.95);
    assertThat(accuracy.getLower()).isGreaterThanOrEqualTo(0.6).isLessThan(0.95);
    assertThat(accuracy.getComparator()).isEqualTo(GateComparator.GREATER_OR_EQUAL);
    Gate drift = byName(gates).get("feedback.drift");
    assertThat(drift.getN()).isEqualTo(GENERAL);
    // 39 of the 40 x 30 positions differ
    assertThat(drift.getValue()).isCloseTo(39.0 / 1200, Offset.offset(1e-12));
    assertThat(drift.getUpper()).isLessThanOrEqualTo(0.1);
  }

  @Test
  void aCandidateThatPrefersTheRejectedAnswersFailsAccuracy() {
    List<Gate> gates = gates(measured(PAIRS, 5, 0.7, 1, 1.0));

    assertThat(outcomes(gates)).containsEntry("feedback.accuracy", EvaluationOutcome.FAILED);
    assertThat(byName(gates).get("feedback.accuracy").getUpper()).isLessThan(0.6);
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.FAILED);
  }

  @Test
  void chosenAnswersLessLikelyThanUnderTheReferenceFailTheChosenGateEvenWithPairsRankedRight() {
    // DPO's failure: every pair ranked right, but the chosen answers' loss 40 % above the reference
    List<Gate> gates = gates(measured(PAIRS, 20, 1.4, 1, 1.0));

    assertThat(outcomes(gates))
        .containsEntry("feedback.accuracy", EvaluationOutcome.PASSED)
        .containsEntry("feedback.chosen", EvaluationOutcome.FAILED);
    assertThat(GateOutcomes.reason(EvaluationOutcome.FAILED, gates, "job"))
        .startsWith("failing feedback.chosen ");
  }

  @Test
  void driftAndLengthBeyondTheirBoundsFailEitherWay() {
    // 9 of 30 tokens drifted; answers 60 % shorter
    Map<String, EvaluationOutcome> outcomes = outcomes(gates(measured(PAIRS, 19, 0.7, 9, 0.4)));

    assertThat(outcomes)
        .containsEntry("feedback.drift", EvaluationOutcome.FAILED)
        .containsEntry("feedback.length", EvaluationOutcome.FAILED);
    assertThat(outcomes(gates(measured(PAIRS, 19, 0.7, 1, 1.6))))
        .containsEntry("feedback.length", EvaluationOutcome.FAILED);
  }

  @Test
  void answersThatGrowToTheChosenAnswersLengthPassTheLengthGateAndGrowingBeyondItFails() {
    // the chosen answers are 60 % longer than the reference's, and the candidate answers like them
    assertThat(outcomes(gates(measured(PAIRS, 19, 0.7, 1, 1.6, 1.6))))
        .containsEntry("feedback.length", EvaluationOutcome.PASSED);
    // answers 60 % longer than the reference's where the chosen answers are 20 % longer
    Gate longer = byName(gates(measured(PAIRS, 19, 0.7, 1, 1.6, 1.2))).get("feedback.length");
    assertThat(Outcomes.of(longer)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(longer.getValue()).isCloseTo(0.4 / 1.2, Offset.offset(0.01));
  }

  @Test
  void theLengthOutsideTheFeedbackCountsOnlyWhatIsLongerOrShorterThanBothAnswers() {
    // pair 1 within [4, 5]; pair 2 four past the chosen 8; pair 3 two short of the chosen 4;
    // pair 4 as long as both
    PairedItems outside =
        FeedbackSuite.lengthOutside(
            new double[] {5, 12, 2, 9}, new double[] {5, 6, 6, 9}, new double[] {4, 8, 4, 9});

    assertThat(outside.candidate()).containsExactly(0, 4, 2, 0);
    assertThat(outside.reference()).containsExactly(5, 8, 6, 9);
    assertThat(outside.effect(Effect.RATIO)).isEqualTo(6.0 / 28);
  }

  @Test
  void tooFewPairsLeaveTheFeedbackGatesOutAndAnIntervalAcrossTheThresholdIsInsufficient() {
    Measurements few = measured(4, 4, 0.7, 1, 1.0);
    assertThat(gates(few)).isEmpty();
    assertThat(GateRules.feedbackApplies(Scopes.of(few), THRESHOLDS)).isFalse();
    assertThat(GateRules.feedbackNotApplied(Scopes.of(few), THRESHOLDS))
        .isEqualTo(
            "the feedback gates do not apply: 4 held-out preference pair(s) in the key's"
                + " held-out pool, fewer than gate.feedback.min.pairs (8)");

    // 14 of 20: the interval of the accuracy, about [0.5, 0.9], straddles 0.6
    List<Gate> straddling = gates(measured(PAIRS, 14, 0.7, 1, 1.0));
    Gate accuracy = byName(straddling).get("feedback.accuracy");
    assertThat(Outcomes.of(accuracy)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(accuracy.getLower()).isLessThan(0.6);
    assertThat(accuracy.getUpper()).isGreaterThan(0.6);
  }

  @Test
  void aTenantThatLetsOnePairJudgeGetsUndecidedPairGatesNotAOnePairVerdict() {
    // gate.feedback.min.pairs 1: one held-out pair ranked right would be an accuracy of 1 with an
    // interval of [1, 1]; below the bootstrap's minimum of items it decides nothing
    GateThresholds.Feedback onePair =
        new GateThresholds.Feedback(
            1,
            THRESHOLDS.minAccuracy(),
            THRESHOLDS.chosenTolerance(),
            THRESHOLDS.maxDrift(),
            THRESHOLDS.maxLengthChange());
    Map<String, Gate> gates =
        byName(
            GateRules.feedbackGates(
                measured(1, 1, 0.7, 1, 1.0),
                new GateScope(0, 1, 0, false, 0, false),
                onePair,
                BOOTSTRAP,
                CANDIDATE));

    for (String name : List.of("feedback.accuracy", "feedback.chosen", "feedback.length")) {
      assertThat(Outcomes.of(gates.get(name)))
          .as(name)
          .isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(gates.get(name).getN()).as(name).isEqualTo(1);
      assertThat(GateInterval.hasTooFewItems(gates.get(name))).as(name).isTrue();
    }
    assertThat(gates.get("feedback.accuracy").getValue()).isEqualTo(1.0);
    // the drift is measured on the general set's 40 examples: it decides
    assertThat(Outcomes.of(gates.get("feedback.drift"))).isEqualTo(EvaluationOutcome.PASSED);
  }

  @Test
  void aGateWithNothingToMeasureIsInsufficientEvidenceNeverAPass() {
    Measurements m = measured(PAIRS, 19, 0.7, 1, 1.0);
    m.putPaired(FeedbackSuite.DRIFT_VS_REFERENCE, new PairedItems(new double[0], new double[0]));

    List<Gate> gates = gates(m);

    Gate drift = byName(gates).get("feedback.drift");
    assertThat(Outcomes.of(drift)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(drift.getN()).isZero();
    assertThat(drift.getPassed()).isFalse();
    assertThat(GateOutcomes.describe(drift))
        .isEqualTo("feedback.drift 0 <= 0.1000 (nothing measured)");
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
  }

  @Test
  void withoutHeldOutPairsTheFeedbackGatesDoNotApply() {
    Measurements m = new Measurements();
    m.put(FeedbackSuite.PAIRS, 0);

    assertThat(GateRules.feedbackApplies(Scopes.of(m), THRESHOLDS)).isFalse();
    assertThat(GateRules.feedbackNotApplied(Scopes.of(m), THRESHOLDS))
        .isEqualTo(
            "the feedback gates do not apply: no held-out preference pairs in the key's held-out"
                + " pool");
    assertThat(gates(m)).isEmpty();
  }

  @Test
  void theFeedbackGatesFollowTheOthersAmongACandidatesGates() {
    Measurements m = measured(PAIRS, 19, 0.7, 1, 1.0);
    m.put("leakage.canaries", 0);

    List<Gate> gates =
        GateRules.gates(
            m,
            Scopes.of(m),
            new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 3),
            BOOTSTRAP,
            CANDIDATE);

    assertThat(gates)
        .extracting(Gate::getName)
        .containsExactly(
            "learning.examples",
            "learning",
            "feedback.pairs",
            "feedback.accuracy",
            "feedback.chosen",
            "feedback.drift",
            "feedback.length");
  }
}
