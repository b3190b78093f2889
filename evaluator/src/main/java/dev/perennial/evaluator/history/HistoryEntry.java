package dev.perennial.evaluator.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the evaluation of one candidate left for the next: its adapter's location (to recognise it
 * when it becomes the incumbent), the key's score matrices with the candidate as last row (by exact
 * match, and by likelihood), and the measures of every update of its lineage with its own last.
 *
 * @param tasks the matrices' tasks, with their shards
 * @param matrix scores by exact match of greedy answers
 * @param likelihood scores by per-token likelihood, same rows and tasks
 * @param lineage measures after each update of the lineage, the candidate's last
 */
public record HistoryEntry(
    String candidateId,
    String location,
    Instant evaluatedAt,
    boolean passed,
    Integer incumbentVersion,
    List<TaskRef> tasks,
    ScoreMatrix matrix,
    ScoreMatrix likelihood,
    List<MeasurePoint> lineage) {

  /** The row and task label of a candidate that is not (yet) a release. */
  public static final String CANDIDATE = "candidate";

  public HistoryEntry {
    Objects.requireNonNull(candidateId, "candidateId");
    Objects.requireNonNull(location, "location");
    tasks = List.copyOf(tasks);
    lineage = List.copyOf(lineage);
    if (tasks.size() != matrix.tasks().size()) {
      throw new IllegalArgumentException(
          tasks.size() + " tasks for a matrix of " + matrix.tasks().size());
    }
    if (!likelihood.rows().equals(matrix.rows()) || !likelihood.tasks().equals(matrix.tasks())) {
      throw new IllegalArgumentException("the likelihood matrix has other rows or tasks");
    }
  }

  /**
   * The entry as the lineage of a release of it reads: its own row, task and measures labelled
   * {@code label} (for example {@code v3}) instead of {@code candidate}.
   */
  public HistoryEntry asRelease(String label) {
    List<TaskRef> relabelled = new ArrayList<>(tasks);
    relabelled.set(relabelled.size() - 1, relabelled.get(relabelled.size() - 1).withLabel(label));
    List<String> taskLabels = relabelled.stream().map(TaskRef::label).toList();
    List<MeasurePoint> points = new ArrayList<>(lineage);
    if (!points.isEmpty()) {
      points.set(points.size() - 1, points.get(points.size() - 1).withLabel(label));
    }
    return new HistoryEntry(
        candidateId,
        location,
        evaluatedAt,
        passed,
        incumbentVersion,
        relabelled,
        relabel(matrix, taskLabels, label),
        relabel(likelihood, taskLabels, label),
        points);
  }

  private static ScoreMatrix relabel(ScoreMatrix matrix, List<String> tasks, String label) {
    return new ScoreMatrix(tasks, matrix.rows(), matrix.values()).withLastRowLabel(label);
  }

  /** The candidate's measures by exact match. */
  public ContinualMeasures measures() {
    return lineage.get(lineage.size() - 1).measures();
  }

  /** The candidate's measures by likelihood. */
  public ContinualMeasures likelihoodMeasures() {
    return lineage.get(lineage.size() - 1).likelihood();
  }
}
