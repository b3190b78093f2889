package dev.perennial.evaluator.suite;

import dev.perennial.model.score.ExampleScore;
import java.util.List;

/** Aggregates of per-example results. */
public final class Scores {

  private Scores() {}

  /** Token-weighted mean loss (nats per token); NaN when nothing was scored. */
  public static double meanLoss(List<ExampleScore> scores) {
    long tokens = scores.stream().mapToLong(ExampleScore::tokens).sum();
    return tokens == 0 ? Double.NaN : ExampleScore.meanLoss(scores);
  }

  /** The per-token likelihood {@code exp(-mean loss)}: a task's score in the R matrix. */
  public static double likelihood(List<ExampleScore> scores) {
    return Math.exp(-meanLoss(scores));
  }

  /** The share of answers equal to the expected ones; NaN when there are none. */
  public static double exactMatch(List<EvalExample> questions, List<String> answers) {
    if (questions.isEmpty()) {
      return Double.NaN;
    }
    int hits = 0;
    for (int i = 0; i < questions.size(); i++) {
      if (answers.get(i).trim().equals(questions.get(i).answer())) {
        hits++;
      }
    }
    return (double) hits / questions.size();
  }

  /** {@code (reference - value) / reference}: the share by which a loss fell; NaN if undefined. */
  public static double relativeReduction(double reference, double value) {
    return reference > 0 ? (reference - value) / reference : Double.NaN;
  }
}
