package dev.perennial.evaluator.scoring;

import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.model.score.ExampleScore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a session computed, by workload. */
public final class Results {

  private final Map<String, List<ExampleScore>> scores = new HashMap<>();
  private final Map<String, List<String>> answers = new HashMap<>();
  private final Map<String, List<int[]>> predictions = new HashMap<>();

  void putScores(Workload workload, List<ExampleScore> values) {
    scores.put(workload.key(), List.copyOf(values));
  }

  void putAnswers(Workload workload, List<String> values) {
    answers.put(workload.key(), List.copyOf(values));
  }

  void putPredictions(Workload workload, List<int[]> values) {
    predictions.put(workload.key(), List.copyOf(values));
  }

  /** The score of every example of a SCORE workload, in order. */
  public List<ExampleScore> scores(Workload workload) {
    List<ExampleScore> values = scores.get(workload.key());
    if (values == null) {
      throw new EvaluatorException("No scores for " + workload.key());
    }
    return values;
  }

  /** The greedy answer to every question of an ANSWER workload, trimmed, in order. */
  public List<String> answers(Workload workload) {
    List<String> values = answers.get(workload.key());
    if (values == null) {
      throw new EvaluatorException("No answers for " + workload.key());
    }
    return values;
  }

  /** The predicted tokens of every example of a PREDICT workload, in order. */
  public List<int[]> predictions(Workload workload) {
    List<int[]> values = predictions.get(workload.key());
    if (values == null) {
      throw new EvaluatorException("No predictions for " + workload.key());
    }
    return values;
  }
}
