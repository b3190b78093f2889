package dev.perennial.cli.bench.continual;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one update's adapter scored (row {@code update} of the score matrices; row 0 is the base):
 * per task j, exact match of greedy answers to the world-truth probes in a trained and in the
 * held-out phrasing, and the per-token likelihood {@code exp(-loss)} of the trained answers (task 0
 * is the general set: the evaluator's questions, and the same facts in their held-out phrasing);
 * knowledge-update accuracy; the evaluator suites' metrics; what training cost. Tasks not measured
 * are NaN.
 *
 * @param knowledgeUpdates changed facts whose newest value holds after this update
 * @param knowledgeUpdateAccuracy share of them answered with the newest value
 * @param knowledgeUpdateOldValue share of them answered with the value it replaced
 * @param suite the evaluator's learning and retention metrics (empty for the base)
 * @param generalMisses the general questions answered wrongly, as {@code question -> answer
 *     (expected)}: what an adapter forgot
 * @param training null for the base
 */
record Row(
    int update,
    double[] emTrained,
    double[] emHeldOut,
    double[] likelihood,
    double generalExactMatch,
    double generalLoss,
    int knowledgeUpdates,
    double knowledgeUpdateAccuracy,
    double knowledgeUpdateOldValue,
    SortedMap<String, Double> suite,
    List<String> generalMisses,
    Training training,
    double evaluationSeconds) {

  Row {
    emTrained = emTrained.clone();
    emHeldOut = emHeldOut.clone();
    likelihood = likelihood.clone();
    suite = new TreeMap<>(suite);
    generalMisses = List.copyOf(generalMisses);
  }

  /** A row nothing was measured in (joint training measured at the last update only). */
  static Row unmeasured(int update, int tasks) {
    double[] nan = new double[tasks];
    Arrays.fill(nan, Double.NaN);
    return probesOnly(update, nan, nan, nan, 0);
  }

  /**
   * A row of the world-truth probes alone (the base's row; an unmeasured one): no general-set
   * figures, knowledge updates, suite metrics or training.
   */
  static Row probesOnly(
      int update,
      double[] emTrained,
      double[] emHeldOut,
      double[] likelihood,
      double evaluationSeconds) {
    return new Row(
        update,
        emTrained,
        emHeldOut,
        likelihood,
        Double.NaN,
        Double.NaN,
        0,
        Double.NaN,
        Double.NaN,
        new TreeMap<>(),
        List.of(),
        null,
        evaluationSeconds);
  }

  boolean measured() {
    return !Double.isNaN(generalExactMatch)
        || Arrays.stream(emTrained).anyMatch(v -> !Double.isNaN(v));
  }

  /**
   * The same row with the general set's figures (the base's come from the first update's suites).
   */
  Row withGeneral(double exactMatch, double loss) {
    double[] em = emTrained.clone();
    double[] lik = likelihood.clone();
    em[0] = exactMatch;
    lik[0] = Math.exp(-loss);
    return new Row(
        update,
        em,
        emHeldOut,
        lik,
        exactMatch,
        loss,
        knowledgeUpdates,
        knowledgeUpdateAccuracy,
        knowledgeUpdateOldValue,
        suite,
        generalMisses,
        training,
        evaluationSeconds);
  }

  double generalPerplexity() {
    return Math.exp(generalLoss);
  }

  /**
   * What the update's training did.
   *
   * @param steps optimizer steps trained
   * @param plannedSteps the step budget
   * @param validationExamples examples set aside for early stopping
   */
  record Training(
      int examples,
      int validationExamples,
      int steps,
      int plannedSteps,
      int trialSteps,
      long tokens,
      double seconds,
      double initialLoss,
      double finalLoss,
      Map<String, String> extras) {}
}
