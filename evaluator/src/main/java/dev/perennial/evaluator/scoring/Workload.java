package dev.perennial.evaluator.scoring;

import dev.perennial.evaluator.suite.EvalExample;
import java.util.List;
import java.util.Objects;

/**
 * Examples one model scores (log-likelihood of each), answers (greedy continuation of each prompt)
 * or predicts (its most likely next token at each scored position). Workloads with the same model,
 * kind and dataset give the same result, which a session computes once.
 *
 * @param dataset names the examples for the cache: the same name must always mean the same examples
 */
public record Workload(Kind kind, ModelRef model, String dataset, List<EvalExample> examples) {

  /** What to compute for every example. */
  public enum Kind {
    /** Log-likelihood of the text, or of the completion after the prompt. */
    SCORE,
    /** The greedy answer to the prompt (up to a newline). */
    ANSWER,
    /** The most likely next token at each position SCORE counts, teacher-forced. */
    PREDICT
  }

  public Workload {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(dataset, "dataset");
    examples = List.copyOf(examples);
    if (kind == Kind.ANSWER && examples.stream().anyMatch(e -> !e.isQuestion())) {
      throw new IllegalArgumentException("only questions can be answered: " + dataset);
    }
  }

  public static Workload score(ModelRef model, String dataset, List<EvalExample> examples) {
    return new Workload(Kind.SCORE, model, dataset, examples);
  }

  public static Workload answer(ModelRef model, String dataset, List<EvalExample> questions) {
    return new Workload(Kind.ANSWER, model, dataset, questions);
  }

  public static Workload predict(ModelRef model, String dataset, List<EvalExample> examples) {
    return new Workload(Kind.PREDICT, model, dataset, examples);
  }

  /** What identifies the result. */
  public String key() {
    return kind + "|" + model.location() + "|" + dataset;
  }

  public int rows() {
    return examples.size();
  }
}
