package dev.perennial.model.train;

import dev.perennial.model.ModelException;

/**
 * One piece of user feedback to learn from as a preference (issue 14): a PREFERENCE pair (the
 * chosen answer over the rejected one, trained by {@link PairLoss}), a RATING of one answer
 * (desirable or not, trained by KTO) or a CORRECTION (the user's correction chosen over the model's
 * original answer, trained as a pair plus a language-model term on the correction).
 *
 * @param answer the chosen answer of a pair or correction, the rated answer of a rating
 * @param rejected the rejected answer of a pair, the corrected original of a correction; null for a
 *     rating
 * @param desirable a rating's label; true for pairs and corrections
 */
public record FeedbackExample(
    Kind kind, String prompt, String answer, String rejected, boolean desirable) {

  /** Which objective trains the example. */
  public enum Kind {
    PREFERENCE,
    RATING,
    CORRECTION
  }

  public FeedbackExample {
    if (kind == null || prompt == null || answer == null || answer.isEmpty()) {
      throw new ModelException("a feedback example needs a kind, a prompt and an answer");
    }
    if (kind == Kind.RATING ? rejected != null : rejected == null || rejected.isEmpty()) {
      throw new ModelException(
          kind == Kind.RATING
              ? "a rating has one answer, not a rejected one"
              : "a " + kind + " example needs a rejected answer");
    }
  }

  public static FeedbackExample preference(String prompt, String chosen, String rejected) {
    return new FeedbackExample(Kind.PREFERENCE, prompt, chosen, rejected, true);
  }

  public static FeedbackExample rating(String prompt, String answer, boolean desirable) {
    return new FeedbackExample(Kind.RATING, prompt, answer, null, desirable);
  }

  public static FeedbackExample correction(String prompt, String corrected, String original) {
    return new FeedbackExample(Kind.CORRECTION, prompt, corrected, original, true);
  }

  /** Whether the example is a pair (PREFERENCE or CORRECTION). */
  public boolean isPair() {
    return kind != Kind.RATING;
  }
}
