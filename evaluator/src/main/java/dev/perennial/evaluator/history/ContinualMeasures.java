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
    int last = r.size() - 1;
    if (r.tasks().size() != r.size()) {
      throw new IllegalArgumentException(
          "a score matrix has one task per update: " + r.size() + " rows, " + r.tasks().size());
    }
    Mean acc = new Mean();
    for (int j = 0; j <= last; j++) {
      acc.add(r.get(last, j));
    }
    Mean bwt = new Mean();
    Mean forgetting = new Mean();
    for (int j = 0; j < last; j++) {
      double finalScore = r.get(last, j);
      bwt.add(finalScore - r.get(j, j));
      double best = Double.NaN;
      for (int l = 0; l < last; l++) {
        double score = r.get(l, j);
        if (!Double.isNaN(score) && (Double.isNaN(best) || score > best)) {
          best = score;
        }
      }
      forgetting.add(best - finalScore);
    }
    Mean fwt = new Mean();
    for (int j = 1; j <= last; j++) {
      fwt.add(r.get(j - 1, j) - r.get(0, j));
    }
    return new ContinualMeasures(acc.value(), bwt.value(), fwt.value(), forgetting.value());
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
  }
}
