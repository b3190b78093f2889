package dev.perennial.evaluator.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.gate.GateScope;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.testing.Contexts;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The general set's gates on results given row by row (in this package, where a test can fill
 * {@link Results}): a general set that exact match cannot judge.
 */
class RetentionGateTest {

  /**
   * A base whose general set holds only long answers has a general set, yet none of its questions
   * is answered greedily and judged by exact match: forgetting what the base knew was not measured,
   * so {@code retention.general} must be undecided with nothing measured rather than left out
   * (which let the candidate pass on its other gates).
   */
  @Test
  void aGeneralSetWithoutShortAnswersLeavesRetentionGeneralUndecidedNotLeftOut() {
    EvalExample longAnswer =
        EvalExample.question(
            "Describe the water cycle.",
            " Water evaporates from the sea, condenses into clouds, falls as rain and flows back"
                + " to the sea.");
    EvaluationContext context =
        Contexts.context(
            "sha256:" + "ab".repeat(32), List.of(longAnswer), List.of(), List.of(), 15);
    Results results = new Results();
    RetentionSuite suite = new RetentionSuite();
    for (Workload workload : suite.workloads(context)) {
      List<ExampleScore> scores = new ArrayList<>();
      List<String> answers = new ArrayList<>();
      for (int row = 0; row < workload.rows(); row++) {
        scores.add(new ExampleScore(-20.0 - row, 12));
        answers.add("wrong");
      }
      results.putScores(workload, scores);
      results.putAnswers(workload, answers);
    }
    Measurements measured = new Measurements();
    measured.put("leakage.canaries", 0);

    suite.measure(context, results, measured);
    List<Gate> retention =
        GateRules.gates(
                measured,
                GateScope.of(context),
                Contexts.THRESHOLDS,
                new PairedBootstrap(0.95, 100),
                "c")
            .stream()
            .filter(gate -> gate.getName().equals(GateNames.RETENTION_GENERAL))
            .toList();

    assertThat(retention).hasSize(1);
    assertThat(Outcomes.of(retention.get(0))).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    assertThat(retention.get(0).getN()).isZero();
    assertThat(GateRules.retentionApplies(GateScope.of(context))).isTrue();
    assertThat(GateRules.retentionNote(measured, GateScope.of(context)))
        .hasValue(
            "the retention gates are undecided: none of the questions asked from the base's"
                + " general evaluation set has a short answer (one line of at most 64"
                + " characters) that exact match judges, so forgetting what the base knew was not"
                + " measured");
  }
}
