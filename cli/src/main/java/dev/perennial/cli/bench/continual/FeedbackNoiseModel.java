package dev.perennial.cli.bench.continual;

import java.util.Locale;

/** How {@code perennial bench feedback} makes labels noisy. */
public enum FeedbackNoiseModel {
  /**
   * Exactly the noise share of each kind's records flipped at random, all from one subject per
   * tenant ({@code SyntheticFeedback.on}): every figure before the user model.
   */
  RECORDS("records"),
  /**
   * A pool of users, the noise share of them always wrong, each question's records from distinct
   * users, each user its own subject ({@code SyntheticFeedback.byUsers}).
   */
  USERS("users");

  private final String label;

  FeedbackNoiseModel(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static FeedbackNoiseModel parse(String label) {
    for (FeedbackNoiseModel model : values()) {
      if (model.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
        return model;
      }
    }
    throw new IllegalArgumentException("Unknown noise model " + label + " (records, users)");
  }
}
