package dev.perennial.evaluator.suite;

import dev.perennial.model.train.TrainingExample;
import java.util.Objects;

/**
 * One example an evaluation scores: a text (loss on every token) or a prompt with its expected
 * completion (loss on the completion only; a question whose greedy answer can be compared with the
 * completion).
 *
 * <p>A held-out preference pair is a question whose completion is the chosen answer, with the
 * rejected answer beside it: scored as its chosen answer, and as a pair by the feedback suite.
 *
 * @param prompt empty for a text
 * @param target the text, or the expected completion (a pair's chosen answer)
 * @param rejected a preference pair's rejected answer; empty for anything else
 */
public record EvalExample(String prompt, String target, String rejected) {

  public EvalExample {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(rejected, "rejected");
    if (target.isEmpty()) {
      throw new IllegalArgumentException("an evaluation example needs a text or a completion");
    }
    if (!rejected.isEmpty() && prompt.isEmpty()) {
      throw new IllegalArgumentException("a preference pair needs a prompt");
    }
  }

  /** A text or a question (no rejected answer). */
  public EvalExample(String prompt, String target) {
    this(prompt, target, "");
  }

  public static EvalExample text(String text) {
    return new EvalExample("", text);
  }

  public static EvalExample question(String prompt, String completion) {
    return new EvalExample(prompt, completion);
  }

  /**
   * A preference pair: {@code chosen} preferred over {@code rejected} as the answer to the prompt.
   */
  public static EvalExample preference(String prompt, String chosen, String rejected) {
    if (rejected.isEmpty()) {
      throw new IllegalArgumentException("a preference pair needs a rejected answer");
    }
    return new EvalExample(prompt, chosen, rejected);
  }

  /** Whether the example is a preference pair (it has a rejected answer). */
  public boolean isPreference() {
    return !rejected.isEmpty();
  }

  /** A pair's chosen answer as a question of its own. */
  public EvalExample chosenAnswer() {
    return question(prompt, target);
  }

  /** A pair's rejected answer as a question of its own. */
  public EvalExample rejectedAnswer() {
    return question(prompt, rejected);
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
