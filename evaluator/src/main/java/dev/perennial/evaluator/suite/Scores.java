package dev.perennial.evaluator.suite;

import dev.perennial.model.score.ExampleScore;
import java.util.ArrayList;
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

  /** Each example's loss summed over its counted tokens (nats): what paired loss effects add up. */
  public static List<Double> losses(List<ExampleScore> scores) {
    return scores.stream().map(score -> -score.logLikelihood()).toList();
  }

  /** 1 for each answer equal to the expected one, else 0: what paired exact match adds up. */
  public static List<Double> matches(List<EvalExample> questions, List<String> answers) {
    List<Double> matches = new ArrayList<>(questions.size());
    for (int i = 0; i < questions.size(); i++) {
      matches.add(answers.get(i).trim().equals(questions.get(i).answer()) ? 1.0 : 0.0);
    }
    return matches;
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
