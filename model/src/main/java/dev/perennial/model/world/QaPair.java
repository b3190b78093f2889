package dev.perennial.model.world;

/**
 * A question about a fact with its short answer, in the prompt format the bundled base was
 * pretrained on: prompt {@code "Question: <q>\nAnswer:"}, completion {@code " <answer>"}.
 *
 * @param heldOut true for a phrasing that never appears in training data (for evaluation)
 */
public record QaPair(String question, String answer, Fact fact, boolean heldOut) {

  public static final String QUESTION_PREFIX = "Question: ";
  public static final String ANSWER_PREFIX = "\nAnswer:";

  /** {@code Question: <question>\nAnswer:}: what the model is given. */
  public String prompt() {
    return QUESTION_PREFIX + question + ANSWER_PREFIX;
  }

  /** {@code " <answer>"}: what the model should continue with. */
  public String completion() {
    return " " + answer;
  }

  /** Prompt and completion as one text. */
  public String text() {
    return prompt() + completion();
  }
}
