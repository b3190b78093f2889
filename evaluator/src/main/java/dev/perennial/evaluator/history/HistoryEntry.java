package dev.perennial.evaluator.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the evaluation of one candidate left for the next: its adapter's location (to recognise it
 * when it becomes the incumbent), the key's score matrix with the candidate as last row, and the
 * measures of every update of its lineage with its own last.
 *
 * @param tasks the matrix's tasks, with their shards
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
  }

  /**
   * The entry as the lineage of a release of it reads: its own row, task and measures labelled
   * {@code label} (for example {@code v3}) instead of {@code candidate}.
   */
  public HistoryEntry asRelease(String label) {
    List<TaskRef> relabelled = new ArrayList<>(tasks);
    relabelled.set(relabelled.size() - 1, relabelled.get(relabelled.size() - 1).withLabel(label));
    List<String> taskLabels = relabelled.stream().map(TaskRef::label).toList();
    ScoreMatrix renamed =
        new ScoreMatrix(taskLabels, matrix.rows(), matrix.values()).withLastRowLabel(label);
    List<MeasurePoint> points = new ArrayList<>(lineage);
    if (!points.isEmpty()) {
      MeasurePoint own = points.get(points.size() - 1);
      points.set(points.size() - 1, new MeasurePoint(label, own.measures()));
    }
    return new HistoryEntry(
        candidateId, location, evaluatedAt, passed, incumbentVersion, relabelled, renamed, points);
  }

  public ContinualMeasures measures() {
    return lineage.get(lineage.size() - 1).measures();
  }
}
