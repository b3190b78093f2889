package dev.perennial.evaluator.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.stats.Effect;
import dev.perennial.evaluator.stats.Interval;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.stats.PairedIntervals;
import dev.perennial.evaluator.stats.PairedItems;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.evaluator.testing.Scopes;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.verdict.Confidence;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Gates on constructed score sets: 40 held-out examples in the key's pool (losses in nats), 100
 * general questions (1: answered right) of which the base gets 90, and an incumbent on both.
 */
class GateRulesTest {

  private static final GateThresholds THRESHOLDS =
      new GateThresholds(8, 0.05, 0.10, 0.05, 0.25, 6.0, 3);
  private static final PairedBootstrap BOOTSTRAP =
      new PairedBootstrap(0.95, 2000, EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT);
  private static final String CANDIDATE = "acme/support@3-abc#candidate";
  private static final int POOL = 40;
  private static final int QUESTIONS = 100;

  /** The base's loss on pool example i: between 8 and 12 nats, varying from example to example. */
  private static double baseLoss(int i) {
    return 8 + (i * 7 % 5);
  }

  /** Each pool example's loss under the candidate: {@code share} of the base's, with noise. */
  private static double[] poolLosses(double share, double noise) {
    double[] losses = new double[POOL];
    for (int i = 0; i < POOL; i++) {
      double wobble = (i % 2 == 0 ? 1 : -1) * noise * (1 + i % 3);
      losses[i] = baseLoss(i) * (share + wobble);
    }
    return losses;
  }

  private static double[] basePoolLosses() {
    double[] losses = new double[POOL];
    for (int i = 0; i < POOL; i++) {
      losses[i] = baseLoss(i);
    }
    return losses;
  }

  /** The base answers the first 90 questions right. */
  private static double[] baseAnswers() {
    return answers(0, 90);
  }

  /** Questions from..to (exclusive) answered right, the others not. */
  private static double[] answers(int from, int to) {
    double[] right = new double[QUESTIONS];
    for (int i = from; i < to; i++) {
      right[i] = 1;
    }
    return right;
  }

  private static Measurements measured(double[] pool, double[] general) {
    Measurements m = new Measurements();
    m.put(LearningSuite.POOL_EXAMPLES, POOL);
    m.putPaired(LearningSuite.POOL_VS_BASE, new PairedItems(pool, basePoolLosses()));
    m.putPaired(RetentionSuite.GENERAL_VS_BASE, new PairedItems(general, baseAnswers()));
    m.putPaired(RetentionSuite.GENERAL_VS_INCUMBENT, new PairedItems(general, baseAnswers()));
    m.putPaired(
        RetentionSuite.EARLIER_VS_INCUMBENT,
        new PairedItems(poolLosses(0.6, 0.02), poolLosses(0.6, 0.0)));
    m.put("leakage.canaries", 3);
    m.put("leakage.exposure.max", 2.5);
    return m;
  }

  private static List<Gate> gates(Measurements m) {
    return GateRules.gates(m, Scopes.of(m), THRESHOLDS, BOOTSTRAP, CANDIDATE);
  }

  private static Map<String, Gate> byName(List<Gate> gates) {
    return gates.stream().collect(Collectors.toMap(Gate::getName, Function.identity()));
  }

  private static Map<String, EvaluationOutcome> outcomes(List<Gate> gates) {
    return gates.stream().collect(Collectors.toMap(Gate::getName, Outcomes::of));
  }

  @Test
  void aClearlyBetterCandidatePassesEveryGateWithItsIntervalsOnTheRightSide() {
    // 40 % less loss on the pool; every general answer of the base kept
    List<Gate> gates = gates(measured(poolLosses(0.6, 0.05), baseAnswers()));

    assertThat(gates)
        .extracting(Gate::getName)
        .containsExactly(
            "learning.examples",
            "learning",
            "retention.general",
            "regression.general",
            "regression.tenant",
            "leakage");
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.PASSED);
    Gate learning = byName(gates).get("learning");
    assertThat(learning.getN()).isEqualTo(POOL);
    assertThat(learning.getConfidence()).isEqualTo(0.95);
    assertThat(learning.getLower()).isGreaterThan(0.05).isLessThan(learning.getValue());
    assertThat(learning.getUpper()).isGreaterThan(learning.getValue());
    assertThat(learning.getComparator()).isEqualTo(GateComparator.GREATER_OR_EQUAL);
    Gate retention = byName(gates).get("retention.general");
    assertThat(retention.getValue()).isZero();
    assertThat(retention.getUpper()).isLessThanOrEqualTo(0.10);
    assertThat(retention.getComparator()).isEqualTo(GateComparator.LESS_OR_EQUAL);
  }

  @Test
  void aClearlyWorseCandidateFailsWithItsIntervalsWhollyOnTheWrongSide() {
    // 20 % more loss than the base on the pool; 40 of the base's 90 right answers lost
    List<Gate> gates = gates(measured(poolLosses(1.2, 0.05), answers(40, 90)));

    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(outcomes(gates))
        .containsEntry("learning", EvaluationOutcome.FAILED)
        .containsEntry("retention.general", EvaluationOutcome.FAILED)
        .containsEntry("regression.general", EvaluationOutcome.FAILED)
        .containsEntry("learning.examples", EvaluationOutcome.PASSED);
    Gate learning = byName(gates).get("learning");
    assertThat(learning.getUpper()).isLessThan(0.05);
    Gate retention = byName(gates).get("retention.general");
    assertThat(retention.getValue()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(retention.getLower()).isGreaterThan(0.10);
    assertThat(GateOutcomes.reason(EvaluationOutcome.FAILED, gates, "j"))
        .startsWith("failing learning ")
        .contains("retention.general 0.400 [");
  }

  @Test
  void anIndistinguishableCandidateHasInsufficientEvidenceWithIntervalsAcrossTheThresholds() {
    // about 5 % less loss, noisily; 14 of the base's right answers lost and 4 others gained
    double[] general = answers(14, 94);
    List<Gate> gates = gates(measured(poolLosses(0.95, 0.15), general));

    Map<String, EvaluationOutcome> outcomes = outcomes(gates);
    assertThat(outcomes)
        .containsEntry("learning", EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        .containsEntry("retention.general", EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        .doesNotContainValue(EvaluationOutcome.FAILED);
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    Gate learning = byName(gates).get("learning");
    assertThat(learning.getLower()).isLessThan(0.05);
    assertThat(learning.getUpper()).isGreaterThan(0.05);
    Gate retention = byName(gates).get("retention.general");
    assertThat(retention.getLower()).isLessThan(0.10);
    assertThat(retention.getUpper()).isGreaterThan(0.10);
    assertThat(GateOutcomes.reason(EvaluationOutcome.INSUFFICIENT_EVIDENCE, gates, "acme/j@3"))
        .startsWith("insufficient evidence (learning ")
        .endsWith("the data of job acme/j@3 rolls into the key's next job");
  }

  @Test
  void theSameCandidateGetsTheSameIntervalsAndALossRatiosIntervalNeedsNoSeed() {
    Measurements m = measured(poolLosses(0.95, 0.15), answers(14, 94));

    Gate first = byName(gates(m)).get("learning");
    Gate again = byName(gates(m)).get("learning");
    Gate other =
        byName(GateRules.gates(m, Scopes.of(m), THRESHOLDS, BOOTSTRAP, "acme/other#candidate"))
            .get("learning");

    assertThat(again).isEqualTo(first);
    // a loss ratio's interval depends on the items alone (PairedBootstrapTest holds seeded draws)
    assertThat(other.getValue()).isEqualTo(first.getValue());
    assertThat(other.getLower()).isEqualTo(first.getLower());
  }

  @Test
  void aPoolTooSmallForAnIntervalIsInsufficientEvidenceNeverAFailure() {
    Measurements m = new Measurements();
    m.put(LearningSuite.POOL_EXAMPLES, 3);
    m.putPaired(
        LearningSuite.POOL_VS_BASE,
        new PairedItems(new double[] {5, 6, 4}, new double[] {10, 11, 9}));
    m.put("leakage.canaries", 0);

    List<Gate> gates = gates(m);

    assertThat(outcomes(gates))
        .containsEntry("learning.examples", EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(byName(gates).get("learning.examples").getN()).isEqualTo(3);
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(GateOutcomes.describe(byName(gates).get("learning.examples")))
        .isEqualTo("learning.examples 3 >= 8");
  }

  /**
   * {@link #measured} with the pool's earlier examples' losses under the candidate and incumbent.
   */
  private static Measurements withEarlier(double[] candidate, double[] incumbent) {
    Measurements m = measured(poolLosses(0.6, 0.05), baseAnswers());
    m.putPaired(RetentionSuite.EARLIER_VS_INCUMBENT, new PairedItems(candidate, incumbent));
    return m;
  }

  @Test
  void aBootstrapGateOverFewerItemsThanTheMinimumIsUndecidedHoweverClearItsEstimate() {
    // one earlier example: its loss doubled (a zero-width interval at 1.0, far above 0.25) or
    // halved (far below); neither decides
    List<Gate> worse = gates(withEarlier(new double[] {20}, new double[] {10}));
    List<Gate> better = gates(withEarlier(new double[] {5}, new double[] {10}));

    for (List<Gate> gates : List.of(worse, better)) {
      Gate tenant = byName(gates).get("regression.tenant");
      assertThat(Outcomes.of(tenant)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(tenant.getPassed()).isFalse();
      assertThat(tenant.getN()).isEqualTo(1);
      assertThat(tenant.getLower()).isNaN();
      assertThat(tenant.getUpper()).isNaN();
      assertThat(tenant.getConfidence()).isEqualTo(0.95);
      assertThat(GateInterval.hasTooFewItems(tenant)).isTrue();
      assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    }
    assertThat(byName(worse).get("regression.tenant").getValue()).isEqualTo(1.0);
    assertThat(GateOutcomes.reason(EvaluationOutcome.INSUFFICIENT_EVIDENCE, worse, "j"))
        .startsWith(
            "insufficient evidence (regression.tenant 1.00 n 1 <= 0.250, too few items for an"
                + " interval): ");
    assertThat(GateRules.tooFewItems(worse, BOOTSTRAP))
        .contains(
            "regression.tenant measured on 1 paired item(s), fewer than gate.bootstrap.min.items"
                + " (8): a bootstrap interval over so few is too narrow to decide on, so neither"
                + " passes nor fails");
    // the other gates, over 40 and 100 items, decide as before
    assertThat(outcomes(worse))
        .containsEntry("learning", EvaluationOutcome.PASSED)
        .containsEntry("retention.general", EvaluationOutcome.PASSED);
    assertThat(
            GateRules.tooFewItems(gates(measured(poolLosses(0.6, 0.05), baseAnswers())), BOOTSTRAP))
        .isEmpty();
  }

  @Test
  void atTheMinimumOfItemsABootstrapGateDecidesAndOneFewerLeavesItUndecided() {
    // every earlier example's loss doubled under the candidate: an interval of [1, 1]
    double[] incumbent = {10, 11, 9, 12, 8, 10, 11, 9};
    double[] candidate = Arrays.stream(incumbent).map(loss -> 2 * loss).toArray();

    Gate eight = byName(gates(withEarlier(candidate, incumbent))).get("regression.tenant");
    Gate seven =
        byName(gates(withEarlier(Arrays.copyOf(candidate, 7), Arrays.copyOf(incumbent, 7))))
            .get("regression.tenant");

    assertThat(Outcomes.of(eight)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(eight.getLower()).isEqualTo(1.0);
    assertThat(GateInterval.hasTooFewItems(eight)).isFalse();
    assertThat(Outcomes.of(seven)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(GateInterval.hasTooFewItems(seven)).isTrue();
    // a minimum of 1 lets two items decide; one item has no spread to bound a ratio of sums by
    PairedBootstrap any = new PairedBootstrap(0.95, 2000, 1);
    Gate two =
        byName(
                GateRules.gates(
                    withEarlier(new double[] {20, 22}, new double[] {10, 11}),
                    Scopes.of(withEarlier(new double[] {20, 22}, new double[] {10, 11})),
                    THRESHOLDS,
                    any,
                    CANDIDATE))
            .get("regression.tenant");
    assertThat(Outcomes.of(two)).isEqualTo(EvaluationOutcome.FAILED);
    Gate one =
        byName(
                GateRules.gates(
                    withEarlier(new double[] {20}, new double[] {10}),
                    Scopes.of(withEarlier(new double[] {20}, new double[] {10})),
                    THRESHOLDS,
                    any,
                    CANDIDATE))
            .get("regression.tenant");
    assertThat(Outcomes.of(one)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(GateInterval.isUnbounded(one)).isTrue();
  }

  @Test
  void aLossRatioWithASummedLossOfZeroIsUndecidedAndSaysWhyNeverPassedOrFailed() {
    PairedBootstrap any = new PairedBootstrap(0.95, 2000, 1);
    GateThresholds open = new GateThresholds(1, -10, 0.10, 0.05, 0.25, 6.0, 3);
    Gate candidateZero =
        learning(new PairedItems(new double[] {0, 0}, new double[] {2, 100}), open, any);
    Gate referenceZero =
        learning(new PairedItems(new double[] {1, 50}, new double[] {0, 0}), open, any);
    // two examples of very different lengths, where Fieller's interval was unbounded: bounded
    Gate lengths =
        learning(new PairedItems(new double[] {1.9, 50}, new double[] {2, 100}), open, any);

    for (Gate gate : List.of(candidateZero, referenceZero)) {
      assertThat(Outcomes.of(gate)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(GateInterval.isUnbounded(gate)).isTrue();
      assertThat(GateInterval.hasTooFewItems(gate)).isFalse();
      assertThat(GateOutcomes.describe(gate))
          .contains("n 2 >= -10.0, no bounded 95 % interval")
          .contains("needs both sums positive and the reference's spread over 2 or more items");
    }
    assertThat(candidateZero.getValue()).isEqualTo(1.0);
    assertThat(referenceZero.getValue()).isNaN();
    assertThat(GateInterval.isUnbounded(lengths)).isFalse();
    assertThat(lengths.getLower()).isFinite();
    assertThat(lengths.getUpper()).isLessThan(1);
  }

  private static Gate learning(PairedItems pool, GateThresholds thresholds, PairedBootstrap any) {
    Measurements m = new Measurements();
    m.put(LearningSuite.POOL_EXAMPLES, pool.size());
    m.putPaired(LearningSuite.POOL_VS_BASE, pool);
    m.put("leakage.canaries", 0);
    return byName(GateRules.gates(m, Scopes.of(m), thresholds, any, CANDIDATE)).get("learning");
  }

  /**
   * With perennial.evaluator.gate.learning.enabled=false (installs whose tests are about something
   * else, on pools too small to judge learning) an update has neither learning gate, the count gate
   * stays, and the verdict names the key; on by default and when set true, the gates are unchanged.
   */
  @Test
  void learningGatesSwitchedOffByConfigurationAreLeftOutAndTheVerdictNamesTheKey() {
    Measurements update = measured(poolLosses(0.6, 0.05), baseAnswers());
    update.putPaired(
        LearningSuite.NEW_VS_INCUMBENT,
        new PairedItems(new double[] {7, 8, 6, 9}, new double[] {10, 11, 9, 12}));
    AdapterCandidate maxWait = candidate(List.of(), JobTrigger.MAX_WAIT);
    Map<String, String> values = new java.util.HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9092");
    values.put("schema.registry.url", "http://127.0.0.1:8081");
    List<String> on =
        GateRules.gates(
                update,
                Scopes.of(update),
                new EvaluatorConfig(values).thresholds("acme"),
                BOOTSTRAP,
                maxWait)
            .stream()
            .map(Gate::getName)
            .toList();
    values.put("perennial.evaluator.gate.learning.enabled", "true");
    assertThat(
            GateRules.gates(
                    update,
                    Scopes.of(update),
                    new EvaluatorConfig(values).thresholds("acme"),
                    BOOTSTRAP,
                    maxWait)
                .stream()
                .map(Gate::getName))
        .containsExactlyElementsOf(on)
        .startsWith("learning.examples", "learning", "learning.incumbent");

    values.put("perennial.evaluator.gate.learning.enabled", "false");
    values.put("perennial.evaluator.tenant.globex.gate.learning.min.gain", "0.5");
    EvaluatorConfig off = new EvaluatorConfig(values);

    for (String tenant : List.of("acme", "globex")) {
      assertThat(
              GateRules.gates(
                  update, Scopes.of(update), off.thresholds(tenant), BOOTSTRAP, maxWait))
          .extracting(Gate::getName)
          .contains("learning.examples")
          .doesNotContain("learning", "learning.incumbent")
          .containsExactlyElementsOf(
              on.stream()
                  .filter(name -> !name.startsWith("learning.i") && !name.equals("learning"))
                  .toList());
    }
    assertThat(GateRules.learningOff())
        .contains("perennial.evaluator.gate.learning.enabled=false")
        .contains("off by configuration");
  }

  /**
   * An update is judged on its own held-out items against the incumbent, right after learning: one
   * that learnt them passes, one whose loss there is the incumbent's (a copy, [0, 0]) fails, and an
   * ERASURE, REBASE or IMPORT candidate, which chose its own start, has no such gate.
   */
  @Test
  void anUpdateMustBeatItsIncumbentOnItsOwnHeldOutItemsAndAJobThatChoseItsOwnStartNeedNot() {
    double[] incumbent = {10, 11, 9, 12, 8, 10, 11, 9, 10, 12};
    double[] learnt = Arrays.stream(incumbent).map(loss -> 0.7 * loss).toArray();
    Measurements update = measured(poolLosses(0.6, 0.05), baseAnswers());
    update.putPaired(LearningSuite.NEW_VS_INCUMBENT, new PairedItems(learnt, incumbent));
    Measurements copy = measured(poolLosses(0.6, 0.05), baseAnswers());
    copy.putPaired(LearningSuite.NEW_VS_INCUMBENT, new PairedItems(incumbent, incumbent));
    AdapterCandidate maxWait = candidate(List.of(), JobTrigger.MAX_WAIT);

    List<Gate> passed = GateRules.gates(update, Scopes.of(update), THRESHOLDS, BOOTSTRAP, maxWait);
    assertThat(passed)
        .extracting(Gate::getName)
        .startsWith("learning.examples", "learning", "learning.incumbent");
    Gate gain = byName(passed).get("learning.incumbent");
    assertThat(gain.getValue()).isCloseTo(0.3, within(1e-9));
    assertThat(gain.getN()).isEqualTo(incumbent.length);
    assertThat(gain.getThreshold())
        .isEqualTo(EvaluatorConfig.GATE_LEARNING_INCUMBENT_MIN_GAIN_DEFAULT);
    assertThat(GateOutcomes.overall(passed)).isEqualTo(EvaluationOutcome.PASSED);

    Gate same =
        byName(GateRules.gates(copy, Scopes.of(copy), THRESHOLDS, BOOTSTRAP, maxWait))
            .get("learning.incumbent");
    assertThat(Outcomes.of(same)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(same.getLower()).isZero();
    assertThat(same.getUpper()).isZero();

    for (JobTrigger ownStart : List.of(JobTrigger.ERASURE, JobTrigger.REBASE, JobTrigger.IMPORT)) {
      AdapterCandidate chosen = candidate(List.of(), ownStart);
      assertThat(GateRules.gates(copy, Scopes.of(copy), THRESHOLDS, BOOTSTRAP, chosen))
          .extracting(Gate::getName)
          .doesNotContain("learning.incumbent");
      assertThat(GateRules.learningIncumbentNotApplied(chosen))
          .contains("an " + ownStart + " job does not continue the key's stable release");
    }
    // no incumbent to compare with (a key's first adapter): no gate, and the verdict says why
    Measurements first = measured(poolLosses(0.6, 0.05), baseAnswers());
    assertThat(GateRules.learningIncumbentApplies(Scopes.of(first), maxWait)).isFalse();
    assertThat(GateRules.gates(first, Scopes.of(first), THRESHOLDS, BOOTSTRAP, maxWait))
        .extracting(Gate::getName)
        .doesNotContain("learning.incumbent");
  }

  @Test
  void anUndecidedCandidateRollsOverUntilItsDataRolledTooOftenAndAnErasureOrImportNever() {
    List<Gate> undecided = gates(measured(poolLosses(0.95, 0.15), answers(14, 94)));
    List<Gate> passed = gates(measured(poolLosses(0.6, 0.05), baseAnswers()));

    AdapterCandidate fresh = candidate(List.of(), JobTrigger.MAX_WAIT);
    AdapterCandidate twiceCarried = candidate(List.of("j1", "j2"), JobTrigger.MAX_WAIT);
    AdapterCandidate thriceCarried = candidate(List.of("j1", "j2", "j3"), JobTrigger.MAX_WAIT);
    AdapterCandidate erasure = candidate(List.of(), JobTrigger.ERASURE);

    assertThat(GateRules.withRollover(passed, thriceCarried, THRESHOLDS)).isEqualTo(passed);
    List<Gate> first = GateRules.withRollover(undecided, fresh, THRESHOLDS);
    assertThat(first).hasSize(undecided.size() + 1);
    assertThat(Outcomes.of(byName(first).get("evidence.rollover")))
        .isEqualTo(EvaluationOutcome.PASSED);
    assertThat(GateOutcomes.overall(first)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(GateOutcomes.overall(GateRules.withRollover(undecided, twiceCarried, THRESHOLDS)))
        .isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    List<Gate> exhausted = GateRules.withRollover(undecided, thriceCarried, THRESHOLDS);
    assertThat(GateOutcomes.overall(exhausted)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(GateOutcomes.describe(byName(exhausted).get("evidence.rollover")))
        .isEqualTo("evidence.rollover 4 <= 3");
    assertThat(GateOutcomes.overall(GateRules.withRollover(undecided, erasure, THRESHOLDS)))
        .isEqualTo(EvaluationOutcome.FAILED);
    // an IMPORT job held all of the key's data too: nothing is left to roll into
    AdapterCandidate imported = candidate(List.of(), JobTrigger.IMPORT);
    List<Gate> importUndecided = GateRules.withRollover(undecided, imported, THRESHOLDS);
    assertThat(GateOutcomes.overall(importUndecided)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(GateOutcomes.describe(byName(importUndecided).get("evidence.rollover")))
        .isEqualTo("evidence.rollover 1 <= 0");
  }

  private static AdapterCandidate candidate(List<String> carried, JobTrigger trigger) {
    AdapterCandidate candidate =
        Candidates.candidate(
            "acme/support",
            CANDIDATE,
            "sha256:" + "a".repeat(64),
            Map.of(),
            "perennial-tiny",
            "sha256:" + "b".repeat(64),
            List.of(Candidates.shard("c".repeat(64), 30)),
            List.of(),
            0.003);
    candidate.setCarriedJobs(carried);
    candidate.setTrigger(trigger);
    return candidate;
  }

  @Test
  void withoutAnIncumbentOrEarlierExamplesOnlyTheBaseJudges() {
    Measurements m = new Measurements();
    m.put(LearningSuite.POOL_EXAMPLES, POOL);
    m.putPaired(
        LearningSuite.POOL_VS_BASE, new PairedItems(poolLosses(0.6, 0.05), basePoolLosses()));
    m.putPaired(RetentionSuite.GENERAL_VS_BASE, new PairedItems(baseAnswers(), baseAnswers()));
    m.put("leakage.canaries", 0);

    assertThat(byName(gates(m)))
        .containsOnlyKeys("learning.examples", "learning", "retention.general");
  }

  @Test
  void aNanLossFailsItsGateAndANanValueNeverPasses() {
    double[] broken = poolLosses(0.6, 0.05);
    broken[7] = Double.NaN;
    Map<String, EvaluationOutcome> outcomes = outcomes(gates(measured(broken, baseAnswers())));

    assertThat(outcomes).containsEntry("learning", EvaluationOutcome.FAILED);
    for (GateComparator comparator : GateComparator.values()) {
      assertThat(GateRules.passes(Double.NaN, 1, comparator)).isFalse();
      assertThat(GateRules.passes(1, Double.NaN, comparator)).isFalse();
    }
    assertThat(GateRules.passes(1, 1, GateComparator.GREATER_OR_EQUAL)).isTrue();
    assertThat(GateRules.passes(1, 1, GateComparator.GREATER)).isFalse();
    assertThat(GateRules.passes(1, 1, GateComparator.LESS_OR_EQUAL)).isTrue();
    assertThat(GateRules.passes(1, 1, GateComparator.LESS)).isFalse();
    assertThat(GateRules.passes(0, 1, GateComparator.UNKNOWN)).isFalse();
  }

  /**
   * What any caller deciding on {@link PairedIntervals} (a bench's gate, a gate added later) gets
   * for a ratio whose reference sums to 0, right/wrong items (a score interval) or counts (the
   * bootstrap): undecided, as GateRules' own gates are, never failed as a broken model would be.
   */
  @Test
  void anIntervalOfARatioOverAReferenceOfZeroIsUndecidedByWhoeverDecidesOnIt() {
    PairedItems rightOrWrong =
        new PairedItems(new double[] {1, 0, 1, 1, 0, 1, 1, 1, 0, 1}, new double[10]);
    PairedItems lengths =
        new PairedItems(new double[] {12, 0, 3, 7, 9, 4, 2, 8, 1, 5}, new double[10]);

    for (PairedItems items : List.of(rightOrWrong, lengths)) {
      Interval interval = PairedIntervals.of(items, Effect.RATIO, BOOTSTRAP, 17);

      assertThat(GateOutcomes.decide(interval, 0.2, GateComparator.LESS_OR_EQUAL))
          .as("%s", interval)
          .isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(GateOutcomes.decide(interval, 0.2, GateComparator.GREATER_OR_EQUAL))
          .as("%s", interval)
          .isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    }
  }

  @Test
  void aCandidateThatLearntNothingFailsLearningOnAnyPoolItDecidesOn() {
    // the base's own losses on every pool example: a zero-width interval at 0, below 0.05
    for (int n : new int[] {8, 40}) {
      double[] base = Arrays.copyOf(basePoolLosses(), n);
      Measurements m = new Measurements();
      m.put(LearningSuite.POOL_EXAMPLES, n);
      m.putPaired(LearningSuite.POOL_VS_BASE, new PairedItems(base, base));
      m.put("leakage.canaries", 0);

      Gate learning = byName(gates(m)).get("learning");

      assertThat(Outcomes.of(learning)).isEqualTo(EvaluationOutcome.FAILED);
      assertThat(learning.getUpper()).isZero();
    }
  }

  @Test
  void aPoolWithoutExamplesNeverPassesLearningEvenWhenTheTenantRequiresNone() {
    // gate.learning.min.examples 0 is a valid setting: the count gate then passes an empty pool,
    // and nothing measured must not read as learnt
    GateThresholds noMinimum = new GateThresholds(0, 0.05, 0.10, 0.05, 0.25, 6.0, 3);
    Measurements m = new Measurements();
    m.put(LearningSuite.POOL_EXAMPLES, 0);
    m.putPaired(LearningSuite.POOL_VS_BASE, new PairedItems(new double[0], new double[0]));
    m.putPaired(RetentionSuite.GENERAL_VS_BASE, new PairedItems(baseAnswers(), baseAnswers()));
    m.put("leakage.canaries", 0);

    List<Gate> gates = GateRules.gates(m, Scopes.of(m), noMinimum, BOOTSTRAP, CANDIDATE);

    assertThat(outcomes(gates)).containsEntry("learning", EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(byName(gates).get("learning").getN()).isZero();
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
  }

  @Test
  void aNanLossFailsItsGateEvenOverFewerItemsThanABootstrapDecidesOn() {
    // a broken model (NaN loss) on a pool of 3 and on 2 earlier examples: refused, not rolled over
    Measurements m = measured(poolLosses(0.6, 0.05), baseAnswers());
    m.put(LearningSuite.POOL_EXAMPLES, 3);
    m.putPaired(
        LearningSuite.POOL_VS_BASE,
        new PairedItems(new double[] {5, Double.NaN, 4}, new double[] {10, 11, 9}));
    m.putPaired(
        RetentionSuite.EARLIER_VS_INCUMBENT,
        new PairedItems(new double[] {Double.NaN, 6}, new double[] {10, 11}));

    List<Gate> gates = gates(m);

    assertThat(outcomes(gates))
        .containsEntry("learning", EvaluationOutcome.FAILED)
        .containsEntry("regression.tenant", EvaluationOutcome.FAILED);
    assertThat(GateInterval.hasTooFewItems(byName(gates).get("learning"))).isFalse();
    assertThat(GateOutcomes.overall(gates)).isEqualTo(EvaluationOutcome.FAILED);
  }

  @Test
  void aGateDescribesItselfWithItsIntervalAndTheBoundThatDecides() {
    Gate leakage = GateRules.point("leakage", 7.5, 6.0, GateComparator.LESS_OR_EQUAL);
    Gate retention =
        byName(gates(measured(poolLosses(0.6, 0.05), answers(40, 90)))).get("retention.general");

    assertThat(leakage.getPassed()).isFalse();
    assertThat(GateOutcomes.describe(leakage)).isEqualTo("leakage 7.500 <= 6.000");
    assertThat(GateOutcomes.describe(retention))
        .matches(
            "retention\\.general 0\\.400 \\[0\\.\\d+, 0\\.\\d+\\] n 100 <= 0\\.100 at the upper"
                + " bound of the 95 % interval");
  }

  @Test
  void aGateStatesTheConfiguredConfidenceRatherThanRoundingItToWholePercent() {
    // gate.confidence may be 0.5 to 0.999: 0.999 and 0.975 are not 100 % and 98 % intervals
    Gate retention =
        byName(gates(measured(poolLosses(0.6, 0.05), answers(40, 90)))).get("retention.general");

    assertThat(GateOutcomes.describe(Gate.newBuilder(retention).setConfidence(0.999).build()))
        .endsWith("at the upper bound of the 99.9 % interval");
    assertThat(GateOutcomes.describe(Gate.newBuilder(retention).setConfidence(0.975).build()))
        .endsWith("at the upper bound of the 97.5 % interval");
    assertThat(Confidence.percent(0.5)).isEqualTo("50");
  }
}
