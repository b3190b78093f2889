package dev.perennial.evaluator.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.TransferSuite;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.evaluator.testing.Scopes;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The transfer gates of REBASE candidates on constructed answer sets: the key's held-out questions
 * answered by the old release on the old base and by the rebased candidate on the new one.
 */
class TransferGatesTest {

  private static final GateThresholds THRESHOLDS =
      new GateThresholds(8, 0.05, 0.10, 0.05, 0.25, 6.0, 3);
  private static final PairedBootstrap BOOTSTRAP =
      new PairedBootstrap(0.95, 2000, EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT);

  /** Questions 0..n-1 whose answer is {@code a<i>}. */
  private static List<EvalExample> questions(int n) {
    List<EvalExample> questions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      questions.add(EvalExample.question("Q" + i + "?", " a" + i));
    }
    return questions;
  }

  /** Right answers to the questions in [from, to), wrong ones to the others. */
  private static List<String> answers(int n, int from, int to) {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(i >= from && i < to ? "a" + i : "wrong");
    }
    return answers;
  }

  private static Map<String, Gate> transferGates(
      int n, List<String> candidate, List<String> old, LineageMethod method) {
    Measurements m = new Measurements();
    TransferSuite.measure(questions(n), candidate, old, m);
    List<Gate> gates =
        GateRules.gates(m, Scopes.of(m), THRESHOLDS, BOOTSTRAP, Candidates.rebased(method));
    return gates.stream()
        .filter(gate -> gate.getName().startsWith("transfer."))
        .collect(Collectors.toMap(Gate::getName, Function.identity()));
  }

  @Test
  void aCarriedOverCandidateThatAnswersAsTheOldReleaseDidPassesBothTransferGates() {
    // 100 questions, the old release right on the first 80; the candidate the same
    Map<String, Gate> gates =
        transferGates(100, answers(100, 0, 80), answers(100, 0, 80), LineageMethod.CARRIED_OVER);

    Gate tenant = gates.get(GateNames.TRANSFER_TENANT);
    assertThat(tenant.getValue()).isEqualTo(1.0);
    // Tang's score interval: 80 answers kept of 80 still leave room below 1 (a bootstrap said 1)
    assertThat(tenant.getLower()).isBetween(0.95, 0.96);
    assertThat(tenant.getN()).isEqualTo(100);
    assertThat(tenant.getThreshold()).isEqualTo(0.95);
    assertThat(tenant.getComparator()).isEqualTo(GateComparator.GREATER_OR_EQUAL);
    Gate flips = gates.get(GateNames.TRANSFER_FLIPS);
    assertThat(flips.getValue()).isZero();
    assertThat(flips.getN()).isEqualTo(80);
    assertThat(flips.getUpper()).isCloseTo(1 - Math.pow(0.025, 1 / 80.0), within(1e-9));
    assertThat(flips.getThreshold()).isEqualTo(0.05);
    assertThat(gates.values()).allMatch(gate -> Outcomes.of(gate) == EvaluationOutcome.PASSED);
  }

  @Test
  void aCandidateThatLostAQuarterOfTheOldAnswersFailsBothAndCountsItsFlips() {
    // the old release right on 0..79, the candidate on 20..89: 20 negative, 10 positive flips
    Measurements m = new Measurements();
    TransferSuite.measure(questions(100), answers(100, 20, 90), answers(100, 0, 80), m);
    assertThat(m.get("transfer.questions")).isEqualTo(100);
    assertThat(m.get("transfer.exact.match")).isEqualTo(0.70);
    assertThat(m.get("transfer.exact.match.old")).isEqualTo(0.80);
    assertThat(m.get("transfer.ratio")).isEqualTo(0.875);
    assertThat(m.get("transfer.negative.flips")).isEqualTo(20);
    assertThat(m.get("transfer.positive.flips")).isEqualTo(10);
    assertThat(m.get("transfer.flip.rate")).isEqualTo(0.25);

    // without the positive flips (right on 20..79 only) the ratio is 0.75, clearly below 0.95
    // (with them, 0.875, the interval reaches past 0.95: insufficient evidence)
    Map<String, Gate> gates =
        transferGates(100, answers(100, 20, 80), answers(100, 0, 80), LineageMethod.CARRIED_OVER);
    assertThat(Outcomes.of(gates.get(GateNames.TRANSFER_TENANT)))
        .isEqualTo(EvaluationOutcome.FAILED);
    assertThat(gates.get(GateNames.TRANSFER_TENANT).getUpper()).isLessThan(0.95);
    assertThat(Outcomes.of(gates.get(GateNames.TRANSFER_FLIPS)))
        .isEqualTo(EvaluationOutcome.FAILED);
    assertThat(gates.get(GateNames.TRANSFER_FLIPS).getLower()).isGreaterThan(0.05);
  }

  @Test
  void theMethodChoosesTheLeastRatioSoADistilledCandidateMayPassWhereACarriedOneCannot() {
    // 400 questions, the old release right on 300; the candidate keeps 282 of them: ratio 0.94
    List<String> old = answers(400, 0, 300);
    List<String> candidate = answers(400, 18, 300);

    Gate carried =
        transferGates(400, candidate, old, LineageMethod.CARRIED_OVER)
            .get(GateNames.TRANSFER_TENANT);
    Gate distilled =
        transferGates(400, candidate, old, LineageMethod.DISTILLED).get(GateNames.TRANSFER_TENANT);

    assertThat(carried.getValue()).isEqualTo(0.94);
    assertThat(carried.getThreshold()).isEqualTo(0.95);
    assertThat(Outcomes.of(carried)).isNotEqualTo(EvaluationOutcome.PASSED);
    assertThat(distilled.getThreshold()).isEqualTo(0.9);
    assertThat(distilled.getLower()).isGreaterThan(0.9);
    assertThat(Outcomes.of(distilled)).isEqualTo(EvaluationOutcome.PASSED);
  }

  @Test
  void oneFlipInTwentyIsNotEnoughEvidenceAndTheRebaseStaysUndecidedInsteadOfRefused() {
    // 20 questions, the old release right on all, the candidate wrong on one: 5 % flips
    Map<String, Gate> gates =
        transferGates(20, answers(20, 1, 20), answers(20, 0, 20), LineageMethod.CARRIED_OVER);
    Gate flips = gates.get(GateNames.TRANSFER_FLIPS);
    assertThat(flips.getValue()).isEqualTo(0.05);
    assertThat(flips.getLower()).isLessThanOrEqualTo(0.05);
    assertThat(flips.getUpper()).isGreaterThan(0.05);
    assertThat(Outcomes.of(flips)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);

    List<Gate> all =
        GateRules.withRollover(
            List.copyOf(gates.values()),
            Candidates.rebased(LineageMethod.CARRIED_OVER),
            THRESHOLDS);
    assertThat(all).extracting(Gate::getName).doesNotContain(GateNames.EVIDENCE_ROLLOVER);
    assertThat(GateOutcomes.overall(all)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
  }

  @Test
  void onFewQuestionsTheRatioIsUndecidedButTheExactFlipIntervalStillDecides() {
    // 4 questions, the old release right on all, the candidate on none: the ratio is bootstrapped
    // over fewer items than the minimum (8); the flips' exact interval of 4 in 4 is [0.40, 1]
    Map<String, Gate> gates =
        transferGates(4, answers(4, 0, 0), answers(4, 0, 4), LineageMethod.CARRIED_OVER);

    Gate tenant = gates.get(GateNames.TRANSFER_TENANT);
    assertThat(tenant.getValue()).isZero();
    assertThat(tenant.getN()).isEqualTo(4);
    assertThat(Outcomes.of(tenant)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(GateInterval.hasTooFewItems(tenant)).isTrue();
    Gate flips = gates.get(GateNames.TRANSFER_FLIPS);
    assertThat(flips.getLower()).isCloseTo(Math.pow(0.025, 1 / 4.0), within(1e-9));
    assertThat(Outcomes.of(flips)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(GateInterval.hasTooFewItems(flips)).isFalse();
  }

  @Test
  void noFlipOnTwentyRightAnswersIsNotEnoughEvidenceEither() {
    // a bootstrap of 0 flips is [0, 0] whatever the count; the exact interval reaches 16.8 %
    Gate flips =
        transferGates(20, answers(20, 0, 20), answers(20, 0, 20), LineageMethod.CARRIED_OVER)
            .get(GateNames.TRANSFER_FLIPS);
    assertThat(flips.getValue()).isZero();
    assertThat(flips.getUpper()).isCloseTo(0.1684, within(1e-4));
    assertThat(Outcomes.of(flips)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
  }

  /**
   * The three outcomes of a REBASE candidate on the flip gate (5 % at most), each with a tenant
   * ratio well above 0.95 so that the flips alone decide: an interval wholly below 5 % passes, one
   * wholly above fails (refused: the trainer distils a carried-over key), one across 5 % is
   * insufficient evidence (neither released nor refused: the key stays on the old base and the
   * rebase is planned again on a larger held-out pool).
   */
  @Test
  void theFlipGateReleasesAClearlyBetterRebaseRefusesAClearlyWorseOneAndWaitsOnAnUndecidedOne() {
    // clearly better: 300 questions, the old release right on 200, the candidate loses 1 of them
    Outcome better = decided(300, answers(300, 1, 210), answers(300, 0, 200));
    assertThat(better.flips().getValue()).isEqualTo(0.005);
    assertThat(better.flips().getUpper()).isLessThanOrEqualTo(0.05);
    assertThat(better.overall()).isEqualTo(EvaluationOutcome.PASSED);
    assertThat(better.reason()).isEqualTo("every gate passed");

    // clearly worse: the old release right on 80 of 140, the candidate loses 20 of them (25 %)
    // though it answers 120 right in all
    Outcome worse = decided(140, answers(140, 20, 140), answers(140, 0, 80));
    assertThat(worse.flips().getValue()).isEqualTo(0.25);
    assertThat(worse.flips().getLower()).isGreaterThan(0.05);
    assertThat(worse.overall()).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(worse.reason()).startsWith("failing transfer.flips 0.250 [");

    // indistinguishable: the old release right on 60 of 100, the candidate loses 3 of them (5 %)
    Outcome undecided = decided(100, answers(100, 3, 70), answers(100, 0, 60));
    assertThat(undecided.flips().getValue()).isEqualTo(0.05);
    assertThat(undecided.flips().getLower()).isLessThan(0.05);
    assertThat(undecided.flips().getUpper()).isGreaterThan(0.05);
    assertThat(undecided.overall()).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(undecided.reason())
        .startsWith("insufficient evidence (transfer.flips 0.0500 [")
        .endsWith(
            "): neither released nor refused; acme/support stays on v4 on perennial-tiny, and its"
                + " rebase onto perennial-tiny-2 is planned again once the key's held-out pool has"
                + " grown by perennial.trainer.rebase.retry.growth");

    for (Outcome outcome : List.of(better, worse, undecided)) {
      assertThat(Outcomes.of(outcome.tenant())).isEqualTo(EvaluationOutcome.PASSED);
    }
  }

  private record Outcome(Gate tenant, Gate flips, EvaluationOutcome overall, String reason) {}

  /** The transfer gates of a carried-over candidate of v4, as the evaluator decides them. */
  private static Outcome decided(int n, List<String> candidate, List<String> old) {
    AdapterCandidate rebased = Candidates.rebased(LineageMethod.CARRIED_OVER);
    rebased
        .getLineage()
        .setSourceRelease(
            LineageRelease.newBuilder()
                .setVersion(4)
                .setLocation("sha256:" + "d".repeat(64))
                .setManifestDigest("sha256:" + "e".repeat(64))
                .setBaseModelName("perennial-tiny")
                .setBaseModelDigest("sha256:" + "f".repeat(64))
                .build());
    Measurements m = new Measurements();
    TransferSuite.measure(questions(n), candidate, old, m);
    List<Gate> gates =
        GateRules.withRollover(
            GateRules.transferGates(m, THRESHOLDS, BOOTSTRAP, rebased.getCandidateId(), 0.95),
            rebased,
            THRESHOLDS);
    Map<String, Gate> byName =
        gates.stream().collect(Collectors.toMap(Gate::getName, Function.identity()));
    EvaluationOutcome overall = GateOutcomes.overall(gates);
    return new Outcome(
        byName.get(GateNames.TRANSFER_TENANT),
        byName.get(GateNames.TRANSFER_FLIPS),
        overall,
        GateOutcomes.reason(overall, gates, rebased));
  }

  @Test
  void drawsWithoutAnyOldRightAnswerAreLeftOutSoTheIntervalStaysDefined() {
    // 14 questions, the old release right on 2 only: many draws hold neither
    Map<String, Gate> gates =
        transferGates(14, answers(14, 1, 2), answers(14, 0, 2), LineageMethod.CARRIED_OVER);
    Gate tenant = gates.get(GateNames.TRANSFER_TENANT);
    assertThat(tenant.getValue()).isEqualTo(0.5);
    assertThat(tenant.getLower()).isNotNaN().isLessThan(0.5);
    // Tang's score interval reaches above 1: over 2 old right answers the candidate may be better
    assertThat(tenant.getUpper()).isNotNaN().isGreaterThan(1.0);
    assertThat(Outcomes.of(tenant)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
  }

  @Test
  void anOldReleaseWithNoRightAnswerLeavesNothingToCarryOverSoTheGatesDoNotApplyAndSaySo() {
    Measurements m = new Measurements();
    TransferSuite.measure(questions(12), answers(12, 0, 3), answers(12, 0, 0), m);

    assertThat(GateRules.transferApplies(m)).isFalse();
    assertThat(GateRules.transferGates(m, THRESHOLDS, BOOTSTRAP, "c", 0.95)).isEmpty();
    assertThat(GateRules.transferNotApplied(m))
        .isEqualTo(
            "the transfer gates do not apply: the old release answered none of the key's 12"
                + " held-out question(s) right, so there is nothing to carry over");
    // one right answer is enough for them to judge
    Measurements one = new Measurements();
    TransferSuite.measure(questions(12), answers(12, 0, 3), answers(12, 0, 1), one);
    assertThat(GateRules.transferApplies(one)).isTrue();
    assertThat(GateRules.transferGates(one, THRESHOLDS, BOOTSTRAP, "c", 0.95)).hasSize(2);
  }

  /**
   * A key without any held-out question with a short answer gives the transfer nothing to be
   * measured on: the candidate has not shown it carried anything over, so its transfer gates are
   * undecided with nothing measured, never left out (which let it pass on its other gates, the
   * verdict saying the old release answered none of 0 questions right).
   */
  @Test
  void aKeyWithoutHeldOutQuestionsLeavesBothTransferGatesUndecidedNotLeftOut() {
    Map<String, Gate> gates = transferGates(0, List.of(), List.of(), LineageMethod.CARRIED_OVER);

    assertThat(gates).containsOnlyKeys(GateNames.TRANSFER_TENANT, GateNames.TRANSFER_FLIPS);
    assertThat(gates.values())
        .allSatisfy(
            gate -> {
              assertThat(Outcomes.of(gate)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
              assertThat(gate.getN()).isZero();
            });
  }

  @Test
  void theVerdictSaysWhyTheTransferGatesAreUndecidedOrDoNotApply() {
    Measurements none = new Measurements();
    TransferSuite.measure(List.of(), List.of(), List.of(), none);
    assertThat(GateRules.transferApplies(none)).isTrue();
    assertThat(GateRules.transferNote(none))
        .hasValue(
            "the transfer gates are undecided: none of the key's held-out examples is a question"
                + " with a short answer (one line of at most 64 characters) that exact match"
                + " judges, so nothing showed what the candidate carried over from the old"
                + " release");

    Measurements noneRight = new Measurements();
    TransferSuite.measure(questions(12), answers(12, 0, 3), answers(12, 0, 0), noneRight);
    assertThat(GateRules.transferNote(noneRight)).hasValue(GateRules.transferNotApplied(noneRight));

    Measurements someRight = new Measurements();
    TransferSuite.measure(questions(12), answers(12, 0, 3), answers(12, 0, 1), someRight);
    assertThat(GateRules.transferNote(someRight)).isEmpty();
    assertThat(GateRules.transferNote(new Measurements())).isEmpty();
  }

  /**
   * Only a REBASE candidate has transfer gates; one whose transfer was not measured has both
   * undecided (UnmeasuredGatesTest).
   */
  @Test
  void aCandidateThatIsNotARebaseHasNoTransferGates() {
    Measurements m = new Measurements();
    m.put("leakage.canaries", 0);
    AdapterCandidate update = Candidates.rebased(LineageMethod.CONTINUED);
    update.setTrigger(JobTrigger.MAX_WAIT);
    assertThat(GateRules.gates(m, Scopes.of(m), THRESHOLDS, BOOTSTRAP, update))
        .extracting(Gate::getName)
        .doesNotContain(GateNames.TRANSFER_TENANT, GateNames.TRANSFER_FLIPS);
    assertThat(GateRules.transferNote(m, update)).isEmpty();
  }
}
