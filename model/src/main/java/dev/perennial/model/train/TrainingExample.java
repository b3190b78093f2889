package dev.perennial.model.train;

import dev.perennial.model.ModelException;

/**
 * One training example: plain TEXT (loss on every token) or a prompt with its COMPLETION (loss on
 * the completion tokens only, as in supervised fine-tuning).
 */
public record TrainingExample(Kind kind, String prompt, String completion) {

  /** How the loss treats the example. */
  public enum Kind {
    TEXT,
    COMPLETION
  }

  public TrainingExample {
    if (kind == null || prompt == null || completion == null) {
      throw new ModelException("a training example needs a kind, a prompt and a completion");
    }
    if (kind == Kind.TEXT && !prompt.isEmpty()) {
      throw new ModelException("a TEXT example has no prompt");
    }
    if (completion.isEmpty()) {
      throw new ModelException("a training example needs non-empty text or completion");
    }
  }

  public static TrainingExample text(String text) {
    return new TrainingExample(Kind.TEXT, "", text);
  }

  public static TrainingExample completion(String prompt, String completion) {
    return new TrainingExample(Kind.COMPLETION, prompt, completion);
  }

  /** The whole text the model reads. */
  public String fullText() {
    return prompt + completion;
  }
}
