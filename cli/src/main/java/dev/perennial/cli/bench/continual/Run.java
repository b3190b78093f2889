package dev.perennial.cli.bench.continual;

import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.history.ScoreMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * One variant's run over one tenant's stream: rows 0 (the base) to T, and the measures of its score
 * matrices (task j = what update j taught, task 0 = the general set).
 */
record Run(Variant variant, String tenant, List<Row> rows) {

  Run {
    rows = List.copyOf(rows);
  }

  int updates() {
    return rows.size() - 1;
  }

  Row last() {
    return rows.get(updates());
  }

  /** R[i][j] by exact match in trained phrasings. */
  ScoreMatrix exactMatch() {
    return matrix(Row::emTrained);
  }

  /** R[i][j] by exact match in held-out phrasings (task 0 not asked so). */
  ScoreMatrix exactMatchHeldOut() {
    return matrix(Row::emHeldOut);
  }

  /** R[i][j] by the per-token likelihood exp(-loss) of the trained answers. */
  ScoreMatrix likelihood() {
    return matrix(Row::likelihood);
  }

  /**
   * ACC, BWT, FWT and forgetting of a matrix; for joint training, measured at the last update
   * alone, only ACC.
   */
  ContinualMeasures measures(ScoreMatrix matrix) {
    ContinualMeasures measures = ContinualMeasures.of(matrix);
    if (rows.stream().skip(1).allMatch(Row::measured)) {
      return measures;
    }
    return new ContinualMeasures(measures.acc(), Double.NaN, Double.NaN, Double.NaN);
  }

  /** Learning gain of update i: R[i][i] - R[i-1][i] by exact match (index 0 unused, NaN). */
  double[] learningGain() {
    ScoreMatrix r = exactMatch();
    double[] gain = new double[rows.size()];
    gain[0] = Double.NaN;
    for (int i = 1; i < rows.size(); i++) {
      gain[i] = r.get(i, i) - r.get(i - 1, i);
    }
    return gain;
  }

  /** Gain of the last update over that of the first. */
  double learningGainRatio() {
    double[] gain = learningGain();
    return gain[updates()] / gain[1];
  }

  /** The base's general exact match minus the last update's. */
  double generalDrop() {
    return rows.get(0).generalExactMatch() - last().generalExactMatch();
  }

  /** The largest drop of general exact match below the base's over all updates. */
  double worstGeneralDrop() {
    double worst = Double.NaN;
    for (Row row : rows.subList(1, rows.size())) {
      double drop = rows.get(0).generalExactMatch() - row.generalExactMatch();
      if (!Double.isNaN(drop) && (Double.isNaN(worst) || drop > worst)) {
        worst = drop;
      }
    }
    return worst;
  }

  long trainingTokens() {
    return sum(row -> row.training() == null ? 0 : row.training().tokens());
  }

  double trainingSeconds() {
    return sumDouble(row -> row.training() == null ? 0 : row.training().seconds());
  }

  double evaluationSeconds() {
    return sumDouble(Row::evaluationSeconds);
  }

  int trainingSteps() {
    return (int) sum(row -> row.training() == null ? 0 : row.training().steps());
  }

  /** Steps the recipe search's trials took, beside {@link #trainingSteps}. */
  int trialSteps() {
    return (int) sum(row -> row.training() == null ? 0 : row.training().trialSteps());
  }

  private ScoreMatrix matrix(Function<Row, double[]> scores) {
    List<String> labels = new ArrayList<>();
    List<String> tasks = new ArrayList<>();
    double[][] values = new double[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      labels.add(i == 0 ? "base" : "u" + i);
      tasks.add(i == 0 ? "general" : "t" + i);
      values[i] = scores.apply(rows.get(i));
    }
    return new ScoreMatrix(tasks, labels, values);
  }

  private long sum(java.util.function.ToLongFunction<Row> value) {
    return rows.stream().mapToLong(value).sum();
  }

  private double sumDouble(ToDoubleFunction<Row> value) {
    return rows.stream().mapToDouble(value).sum();
  }
}
