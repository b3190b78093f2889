package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.report.ReportWriter.StoredReport;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/**
 * The outcome of one candidate's evaluation: every gate, every measured metric (finite values
 * only), and where its report lies.
 *
 * @param incumbentVersion the release it was compared with, or null
 * @param outcome PASSED, FAILED or INSUFFICIENT_EVIDENCE
 * @param reason why, in a sentence
 * @param evaluatedAt when it was decided, as its report records it (whole milliseconds: what a
 *     verdict can carry)
 */
public record Evaluation(
    AdapterCandidate candidate,
    Integer incumbentVersion,
    EvaluationOutcome outcome,
    String reason,
    List<Gate> gates,
    SortedMap<String, Double> metrics,
    StoredReport report,
    Instant evaluatedAt,
    double seconds) {

  public Evaluation {
    gates = List.copyOf(gates);
  }

  public boolean passed() {
    return outcome == EvaluationOutcome.PASSED;
  }

  public List<Gate> failedGates() {
    return gates.stream().filter(gate -> Outcomes.of(gate) == EvaluationOutcome.FAILED).toList();
  }
}
