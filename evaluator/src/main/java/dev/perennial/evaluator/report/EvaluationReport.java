package dev.perennial.evaluator.report;

import dev.perennial.evaluator.history.MeasurePoint;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.suite.CanaryExposure;
import dev.perennial.evaluator.suite.Comparison;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a report shows about one candidate's evaluation.
 *
 * @param generalSet the base's general evaluation set the retention suite asked ({@code
 *     EvaluationBase#generalDataset})
 * @param incumbentVersion the release compared with, null for none
 * @param outcome PASSED, FAILED or INSUFFICIENT_EVIDENCE
 * @param reason why, in a sentence
 * @param rewardMargins the implicit reward margin of each held-out preference pair against the
 *     reference (empty when the candidate has none)
 * @param matrix the key's score matrix by exact match, with the candidate as last row; null when no
 *     suite ran
 * @param likelihoodMatrix the same by per-token likelihood; null when no suite ran
 * @param measureHistory ACC, BWT, FWT and forgetting after each update of the key's lineage, the
 *     candidate's last
 * @param problem why no suite ran (a failed precondition), or null
 * @param notes what a reader should know (a missing shard, an incumbent that could not be loaded)
 * @param runtime the engine the scores were computed on (thread count, DJL and PyTorch versions)
 * @param bootstrap the statistical gates' bootstrap (confidence, resamples, fewest items a gate
 *     decides on): with each gate's items and seed ({@code GateRules.seed} of the candidate id and
 *     gate name), what its interval and outcome are computed from
 */
public record EvaluationReport(
    AdapterCandidate candidate,
    String baseModelName,
    String baseModelDigest,
    String generalSet,
    Integer incumbentVersion,
    EvaluationOutcome outcome,
    String reason,
    List<Gate> gates,
    SortedMap<String, Double> metrics,
    List<Comparison> comparisons,
    List<CanaryExposure> canaries,
    List<Double> rewardMargins,
    ScoreMatrix matrix,
    ScoreMatrix likelihoodMatrix,
    List<MeasurePoint> measureHistory,
    String problem,
    List<String> notes,
    Instant evaluatedAt,
    String evaluator,
    EvaluatorRuntime runtime,
    double seconds,
    PairedBootstrap bootstrap) {

  public EvaluationReport {
    gates = List.copyOf(gates);
    metrics = new TreeMap<>(metrics);
    comparisons = List.copyOf(comparisons);
    canaries = List.copyOf(canaries);
    rewardMargins = List.copyOf(rewardMargins);
    measureHistory = List.copyOf(measureHistory);
    notes = List.copyOf(notes);
  }

  public boolean passed() {
    return outcome == EvaluationOutcome.PASSED;
  }

  /** The gates that failed. */
  public List<Gate> failedGates() {
    return gates.stream().filter(gate -> Outcomes.of(gate) == EvaluationOutcome.FAILED).toList();
  }
}
