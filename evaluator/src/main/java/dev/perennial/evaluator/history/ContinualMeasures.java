package dev.perennial.evaluator.history;

/**
 * The continual-learning measures of the last update of a {@link ScoreMatrix} (T = its last row,
 * tasks 0..T, each average over the tasks where the scores it needs were measured; NaN when there
 * are none):
 *
 * <ul>
 *   <li>ACC: the mean final score, {@code mean_j R[T][j]} over j = 0..T;
 *   <li>BWT (backward transfer; negative = forgetting): {@code mean_j (R[T][j] - R[j][j])} over j =
 *       0..T-1;
 *   <li>FWT (forward transfer): {@code mean_j (R[j-1][j] - R[0][j])} over j = 1..T, how much the
 *       previous update already knew of a task beyond what the base knew;
 *   <li>Forgetting: {@code mean_j (max_{l<T} R[l][j] - R[T][j])} over j = 0..T-1, best ever minus
 *       final.
 * </ul>
 *
 * (Lopez-Paz and Ranzato 2017 for ACC, BWT and FWT; Chaudhry et al. 2018 for forgetting.)
 */
public record ContinualMeasures(double acc, double bwt, double fwt, double forgetting) {

  public static ContinualMeasures of(ScoreMatrix r) {
    PerTask tasks = perTask(r);
    Mean fwt = new Mean();
    int last = r.size() - 1;
    for (int j = 1; j <= last; j++) {
      fwt.add(r.get(j - 1, j) - r.get(0, j));
    }
    return new ContinualMeasures(
        Mean.of(tasks.finalScore()),
        Mean.of(tasks.backward()),
        fwt.value(),
        Mean.of(tasks.forgetting()));
  }

  /**
   * The terms the measures average, task by task, so that two runs on the same tasks can be
   * compared task by task (NaN where a score they need was not measured).
   *
   * @param finalScore {@code R[T][j]}, j = 0..T (ACC's terms)
   * @param backward {@code R[T][j] - R[j][j]}, j = 0..T-1 (BWT's)
   * @param forgetting {@code max_{l<T} R[l][j] - R[T][j]}, j = 0..T-1
   */
  public record PerTask(double[] finalScore, double[] backward, double[] forgetting) {}

  public static PerTask perTask(ScoreMatrix r) {
    int last = r.size() - 1;
    if (r.tasks().size() != r.size()) {
      throw new IllegalArgumentException(
          "a score matrix has one task per update: " + r.size() + " rows, " + r.tasks().size());
    }
    double[] finalScore = new double[last + 1];
    for (int j = 0; j <= last; j++) {
      finalScore[j] = r.get(last, j);
    }
    double[] backward = new double[last];
    double[] forgetting = new double[last];
    for (int j = 0; j < last; j++) {
      backward[j] = finalScore[j] - r.get(j, j);
      double best = Double.NaN;
      for (int l = 0; l < last; l++) {
        double score = r.get(l, j);
        if (!Double.isNaN(score) && (Double.isNaN(best) || score > best)) {
          best = score;
        }
      }
      forgetting[j] = best - finalScore[j];
    }
    return new PerTask(finalScore, backward, forgetting);
  }

  /** A mean that skips NaN. */
  private static final class Mean {
    private double sum;
    private int count;

    void add(double value) {
      if (!Double.isNaN(value)) {
        sum += value;
        count++;
      }
    }

    double value() {
      return count == 0 ? Double.NaN : sum / count;
    }

    static double of(double[] values) {
      Mean mean = new Mean();
      for (double value : values) {
        mean.add(value);
      }
      return mean.value();
    }
  }
}
