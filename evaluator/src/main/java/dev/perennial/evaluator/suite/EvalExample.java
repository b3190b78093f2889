package dev.perennial.evaluator.suite;

import dev.perennial.model.train.TrainingExample;
import java.util.Objects;

/**
 * One example an evaluation scores: a text (loss on every token) or a prompt with its expected
 * completion (loss on the completion only; a question whose greedy answer can be compared with the
 * completion).
 *
 * @param prompt empty for a text
 * @param target the text, or the expected completion
 */
public record EvalExample(String prompt, String target) {

  public EvalExample {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(target, "target");
    if (target.isEmpty()) {
      throw new IllegalArgumentException("an evaluation example needs a text or a completion");
    }
  }

  public static EvalExample text(String text) {
    return new EvalExample("", text);
  }

  public static EvalExample question(String prompt, String completion) {
    return new EvalExample(prompt, completion);
  }

  /** Longest expected answer exact match judges; longer completions are only scored. */
  public static final int MAX_SHORT_ANSWER_CHARS = 64;

  /** Whether the example has a prompt and a completion. */
  public boolean isQuestion() {
    return !prompt.isEmpty();
  }

  /**
   * Whether greedy decoding can be judged by exact match: a question whose answer is one short line
   * (at most {@value #MAX_SHORT_ANSWER_CHARS} characters).
   */
  public boolean hasShortAnswer() {
    String answer = answer();
    return isQuestion()
        && !answer.isEmpty()
        && answer.length() <= MAX_SHORT_ANSWER_CHARS
        && answer.indexOf('\n') < 0;
  }

  /** The expected answer as greedy decoding should produce it (trimmed). */
  public String answer() {
    return target.trim();
  }

  /** The example as the model layer scores it. */
  public TrainingExample toModel() {
    return isQuestion() ? TrainingExample.completion(prompt, target) : TrainingExample.text(target);
  }
}
