package dev.perennial.cli.bench.continual;

import java.util.List;

/**
 * One objective's run at one share of flipped labels: rows 0 (the base) to T of feedback-only
 * updates, the held-out-phrasing preference accuracy after each, and the training shards it was
 * given; the figures below are those after the last update.
 *
 * @param phrasingAccuracies per update (index 0 unused): preference accuracy on the taught facts
 *     asked in their held-out phrasing
 * @param ceiling the label ceiling of every update's held-out pairs so far
 * @param guard what the trainer's rater guard set aside over every update, against the truth
 */
record FeedbackRun(
    FeedbackVariant variant,
    double noise,
    List<Row> rows,
    double[] phrasingAccuracies,
    List<FeedbackShards.TrainShard> shards,
    FeedbackShards.Ceiling ceiling,
    FeedbackShards.GuardCheck guard) {

  FeedbackRun {
    rows = List.copyOf(rows);
    phrasingAccuracies = phrasingAccuracies.clone();
    shards = List.copyOf(shards);
  }

  int updates() {
    return rows.size() - 1;
  }

  Row last() {
    return rows.get(updates());
  }

  /**
   * Held-out preference accuracy: the share of the held-out true pairs (every update's so far)
   * whose implicit reward margin over the reference is above 0 (the evaluator's feedback suite).
   */
  double preferenceAccuracy() {
    return metric("feedback.accuracy");
  }

  /**
   * The bounds of the held-out preference accuracy's interval, as the evaluator's {@code
   * feedback.accuracy} gate decides on it (NaN when not measured).
   */
  double preferenceAccuracyLower() {
    return metric(RowMeasurer.ACCURACY_LOWER);
  }

  double preferenceAccuracyUpper() {
    return metric(RowMeasurer.ACCURACY_UPPER);
  }

  double phrasingAccuracy() {
    return phrasingAccuracies[updates()];
  }

  /**
   * EM of greedy answers on the preferred facts (every update's taught facts, trained phrasing).
   */
  double preferredExactMatch() {
    return meanOverTasks(last().emTrained());
  }

  /** The same facts asked in their held-out phrasing. */
  double preferredExactMatchHeldOut() {
    return meanOverTasks(last().emHeldOut());
  }

  double generalExactMatch() {
    return last().generalExactMatch();
  }

  /** The base's general EM minus the last update's. */
  double generalDrop() {
    return rows.get(0).generalExactMatch() - last().generalExactMatch();
  }

  /** Mean loss (nats) of the held-out pairs' chosen answers, candidate minus reference. */
  double chosenLossChange() {
    return metric("feedback.chosen.loss") - metric("feedback.chosen.loss.reference");
  }

  double rejectedLossChange() {
    return metric("feedback.rejected.loss") - metric("feedback.rejected.loss.reference");
  }

  double marginMean() {
    return metric("feedback.margin.mean");
  }

  double drift() {
    return metric("feedback.drift");
  }

  int steps() {
    return rows.stream().mapToInt(row -> row.training() == null ? 0 : row.training().steps()).sum();
  }

  double trainingSeconds() {
    return rows.stream()
        .mapToDouble(row -> row.training() == null ? 0 : row.training().seconds())
        .sum();
  }

  /** Training items (examples) over every update, and how many carry a flipped label. */
  int trainedItems() {
    return shards.stream().mapToInt(FeedbackShards.TrainShard::items).sum();
  }

  int flippedItems() {
    return shards.stream().mapToInt(FeedbackShards.TrainShard::flipped).sum();
  }

  private double metric(String name) {
    return FeedbackReport.metric(last(), name);
  }

  private double meanOverTasks(double[] scores) {
    double sum = 0;
    for (int j = 1; j <= updates(); j++) {
      sum += scores[j];
    }
    return sum / updates();
  }
}
