package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.report.ReportWriter.StoredReport;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.Gate;
import java.util.List;
import java.util.SortedMap;

/**
 * The outcome of one candidate's evaluation: every gate, every measured metric (finite values
 * only), and where its report lies.
 *
 * @param incumbentVersion the release it was compared with, or null
 */
public record Evaluation(
    AdapterCandidate candidate,
    Integer incumbentVersion,
    boolean passed,
    List<Gate> gates,
    SortedMap<String, Double> metrics,
    StoredReport report,
    double seconds) {

  public Evaluation {
    gates = List.copyOf(gates);
  }

  public List<Gate> failedGates() {
    return gates.stream().filter(gate -> !gate.getPassed()).toList();
  }
}
