package dev.perennial.cli.bench.continual;

import dev.perennial.evaluator.history.ScoreMatrix;

/**
 * A run as a report's {@value ContinualReportFiles#JSON} keeps it: its score matrices by exact
 * match, trained and held-out phrasings.
 *
 * @param stream what made the run's tasks: two runs of the same stream answer the same questions
 * @param allMeasured whether every update was measured (joint training is measured at the last)
 */
public record StoredRun(
    String variant,
    String tenant,
    Stream stream,
    boolean allMeasured,
    ScoreMatrix exactMatch,
    ScoreMatrix exactMatchHeldOut) {

  /** The stream's seed and shape as the report records them. */
  public record Stream(long seed, int newEntitiesPerUpdate, String feedbackMix) {}

  /** Updates measured: the matrix's rows after the base. */
  public int updates() {
    return exactMatch.size() - 1;
  }
}
