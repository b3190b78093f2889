package dev.perennial.trainer.worker;

/**
 * Which of the recipe's two sets of feedback objectives a job trains with. A job of feedback alone
 * moves the adapter by its pairs with nothing but replay to hold the general set, and with the
 * mixed jobs' settings (beta 0.5, no RPO, no replay KL anchor) taught too few of the preferred
 * answers; its own profile ({@code recipe.feedback.only.*}) is what met issue 14's goals there.
 * Jobs with documents keep the configured keys, which the continual stream's figures were chosen
 * on.
 */
public enum FeedbackProfile {
  /** A job with TEXT or SFT examples, or without feedback: the recipe's keys as configured. */
  MIXED("mixed"),
  /** A job whose own examples are all feedback: {@code recipe.feedback.only.*} in their place. */
  FEEDBACK_ONLY("feedback-only");

  private final String label;

  FeedbackProfile(String label) {
    this.label = label;
  }

  /** As a candidate's recipe extras record it ({@code feedbackProfile}). */
  public String label() {
    return label;
  }

  /**
   * The profile of a job of {@code languageModelExamples} TEXT and SFT examples and {@code
   * feedbackExamples} examples trained by a feedback objective.
   */
  public static FeedbackProfile of(int languageModelExamples, int feedbackExamples) {
    return feedbackExamples > 0 && languageModelExamples == 0 ? FEEDBACK_ONLY : MIXED;
  }

  /** {@code mixed} or {@code feedback-only}. */
  public static FeedbackProfile parse(String label) {
    for (FeedbackProfile profile : values()) {
      if (profile.label.equals(label)) {
        return profile;
      }
    }
    throw new IllegalArgumentException(
        "Unknown feedback profile " + label + " (mixed, feedback-only)");
  }
}
