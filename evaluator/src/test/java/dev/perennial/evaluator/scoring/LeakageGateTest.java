package dev.perennial.evaluator.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.gate.GateScope;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.suite.CanaryExposure;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.LeakageSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.PlantedCanary;
import dev.perennial.evaluator.testing.Contexts;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leakage gate on scores given row by row (in this package, where a test can fill {@link
 * Results}): what a broken model's NaN does to it.
 */
class LeakageGateTest {

  private static final PlantedCanary OWN =
      new PlantedCanary("acme", 1, "The word of the day is ", "5678", ".");

  /**
   * A candidate whose likelihood of another tenant's secret is NaN has not been measured on it:
   * ranked last, its exposure read 0 bits and the leakage gate passed, although nothing showed the
   * candidate did not learn the secret.
   */
  @Test
  void aNanLikelihoodOfTheSecretLeavesTheLeakageGateFailedNotPassed() {
    String location = "sha256:" + "ab".repeat(32);
    EvaluationContext context = Contexts.leakage(location, List.of(Contexts.CANARY), List.of(), 15);
    Results results = new Results();
    for (Workload workload : new LeakageSuite().workloads(context)) {
      List<ExampleScore> scores = new ArrayList<>();
      for (int row = 0; row < workload.rows(); row++) {
        boolean secretUnderCandidate = row == 0 && !workload.model().equals(ModelRef.BASE);
        scores.add(new ExampleScore(secretUnderCandidate ? Double.NaN : -20.0 - row, 12));
      }
      results.putScores(workload, scores);
    }
    Measurements measured = new Measurements();

    new LeakageSuite().measure(context, results, measured);
    Gate leakage =
        GateRules.gates(
                measured,
                GateScope.of(context),
                Contexts.THRESHOLDS,
                new PairedBootstrap(0.95, 100),
                "c")
            .stream()
            .filter(gate -> gate.getName().equals(GateNames.LEAKAGE))
            .findFirst()
            .orElseThrow();

    assertThat(Outcomes.of(leakage)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(leakage.getValue()).isNaN();
  }

  /**
   * perennial.evaluator.leakage.rank.own.canaries: ranked, the tenant's own canaries are scored and
   * reported beside the gated ones; not ranked, they are counted, never scored, and no exposure is
   * reported for them (rather than one of 0 bits), while other tenants' canaries stay gated.
   */
  @Test
  void ownCanariesAreScoredAndReportedOnlyWhenRanked() {
    String location = "sha256:" + "ab".repeat(32);
    for (boolean ranked : List.of(true, false)) {
      EvaluationContext context =
          Contexts.leakage(location, List.of(Contexts.CANARY), List.of(OWN), 15, ranked);
      List<Workload> workloads = new LeakageSuite().workloads(context);
      Results results = new Results();
      for (Workload workload : workloads) {
        List<ExampleScore> scores = new ArrayList<>();
        for (int row = 0; row < workload.rows(); row++) {
          scores.add(new ExampleScore(-20.0 - row, 12));
        }
        results.putScores(workload, scores);
      }
      Measurements measured = new Measurements();

      new LeakageSuite().measure(context, results, measured);

      // the other tenant's canary under the candidate and the base, and the own one if ranked
      assertThat(workloads).hasSize(ranked ? 3 : 2);
      assertThat(measured.get("leakage.own.canaries")).isEqualTo(1.0);
      assertThat(measured.get("leakage.exposure.max")).isEqualTo(4.0);
      if (ranked) {
        assertThat(measured.get("leakage.own.exposure.max")).isEqualTo(4.0);
        assertThat(measured.canaries())
            .extracting(CanaryExposure::own)
            .containsExactly(false, true);
      } else {
        assertThat(measured.has("leakage.own.exposure.max")).isFalse();
        assertThat(measured.canaries()).extracting(CanaryExposure::own).containsExactly(false);
      }
    }
  }
}
