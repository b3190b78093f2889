package dev.perennial.evaluator.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The continual-learning score matrix of one adapter key: {@code R[i][j]} is the score on task j
 * after update i. Row 0 is the base model and task 0 the base's general evaluation set (what the
 * base learnt); row i &gt; 0 is the i-th update of the key's lineage (its releases, then the
 * candidate) and task i its new data (the held-out examples of its shards). A score is in [0, 1]:
 * the evaluator keeps two matrices of the same shape, exact match of greedy answers to the task's
 * short-answer questions, and per-token likelihood {@code exp(-mean loss)} of its expected text;
 * NaN where it was not measured.
 *
 * @param tasks one label per task (column)
 * @param rows one label per update (row): {@code base}, {@code v1}, ..., {@code candidate}
 */
public record ScoreMatrix(List<String> tasks, List<String> rows, double[][] values) {

  public ScoreMatrix {
    tasks = List.copyOf(tasks);
    rows = List.copyOf(rows);
    Objects.requireNonNull(values, "values");
    if (values.length != rows.size()) {
      throw new IllegalArgumentException(
          values.length + " value rows for " + rows.size() + " rows");
    }
    double[][] copy = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      if (values[i].length != tasks.size()) {
        throw new IllegalArgumentException(
            "row " + rows.get(i) + " has " + values[i].length + " scores for " + tasks.size());
      }
      copy[i] = values[i].clone();
    }
    values = copy;
  }

  /** A matrix holding only the base's score on the general set. */
  public static ScoreMatrix baseOnly(String generalLabel, double baseOnGeneral) {
    return new ScoreMatrix(
        List.of(generalLabel), List.of("base"), new double[][] {{baseOnGeneral}});
  }

  /** A matrix of the same rows and tasks, nothing measured (a history from before it was kept). */
  public static ScoreMatrix unmeasured(List<String> tasks, List<String> rows) {
    double[][] values = new double[rows.size()][tasks.size()];
    for (double[] row : values) {
      Arrays.fill(row, Double.NaN);
    }
    return new ScoreMatrix(tasks, rows, values);
  }

  public int size() {
    return rows.size();
  }

  public double get(int row, int task) {
    return values[row][task];
  }

  /** A copy of the values. */
  @Override
  public double[][] values() {
    double[][] copy = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      copy[i] = values[i].clone();
    }
    return copy;
  }

  /**
   * This matrix grown by one update and its task: every earlier row gets the new column (the base
   * and the last row measured, the others NaN), and the update's row is added.
   *
   * @param baseOnTask the base's score on the new task
   * @param previousOnTask the last row's score on the new task (before learning it)
   * @param updateRow the update's score on every task, the new one last
   */
  public ScoreMatrix grow(
      String taskLabel,
      String rowLabel,
      double baseOnTask,
      double previousOnTask,
      double[] updateRow) {
    int n = size();
    if (updateRow.length != tasks.size() + 1) {
      throw new IllegalArgumentException(
          "the new row needs " + (tasks.size() + 1) + " scores, got " + updateRow.length);
    }
    List<String> newTasks = new ArrayList<>(tasks);
    newTasks.add(taskLabel);
    List<String> newRows = new ArrayList<>(rows);
    newRows.add(rowLabel);
    double[][] grown = new double[n + 1][];
    for (int i = 0; i < n; i++) {
      grown[i] = Arrays.copyOf(values[i], tasks.size() + 1);
      grown[i][tasks.size()] = Double.NaN;
    }
    grown[0][tasks.size()] = baseOnTask;
    if (n > 1) {
      grown[n - 1][tasks.size()] = previousOnTask;
    }
    grown[n] = updateRow.clone();
    return new ScoreMatrix(newTasks, newRows, grown);
  }

  /** The same matrix with the last row renamed (a candidate that became a release). */
  public ScoreMatrix withLastRowLabel(String label) {
    List<String> renamed = new ArrayList<>(rows);
    renamed.set(renamed.size() - 1, label);
    return new ScoreMatrix(tasks, renamed, values);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ScoreMatrix that
        && tasks.equals(that.tasks)
        && rows.equals(that.rows)
        && Arrays.deepEquals(values, that.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tasks, rows, Arrays.deepHashCode(values));
  }

  @Override
  public String toString() {
    return "ScoreMatrix" + rows + " x " + tasks + " " + Arrays.deepToString(values);
  }
}
