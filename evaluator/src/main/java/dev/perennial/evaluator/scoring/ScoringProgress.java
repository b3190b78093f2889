package dev.perennial.evaluator.scoring;

/**
 * How far a batch's scoring is, as its passes finish (the evaluator's counterpart of the trainer's
 * {@code StepMetrics}).
 *
 * @param rows rows scored or answered so far
 * @param totalRows the batch's rows to compute: less those from the cache or shared by two
 *     workloads of the same key (the base's general set under two candidates, say)
 * @param elapsedSeconds since the batch's scoring started
 */
public record ScoringProgress(long rows, long totalRows, double elapsedSeconds) {

  /** Seconds left until every row is done, at the time per row so far (0 before a row). */
  public double etaSeconds() {
    return rows > 0 ? elapsedSeconds / rows * (totalRows - rows) : 0;
  }
}
