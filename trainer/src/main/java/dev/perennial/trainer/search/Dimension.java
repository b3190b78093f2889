package dev.perennial.trainer.search;

import java.util.Locale;
import java.util.Optional;

/**
 * A setting the search moves, one step down or up from the centre: the learning rate and the
 * feedback weights x0.5 and x2 (within a quarter and four times the configured), the replay share
 * one row of the batch less or more (at least one new example per batch), the rank x0.5 and x2 (1
 * to 64; only for a key's first adapter, since a continued adapter keeps its rank; lora_alpha moves
 * with it, so that the scaling alpha/r and with it the learning rate's effect stay).
 */
public enum Dimension {
  RANK("rank"),
  LEARNING_RATE("learning-rate"),
  REPLAY("replay"),
  FEEDBACK_WEIGHT("feedback-weight");

  static final double MIN_FACTOR = 0.25;
  static final double MAX_FACTOR = 4;
  static final int MAX_RANK = 64;

  private final String label;

  Dimension(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * The point one step from {@code centre}, down ({@code up} false) or up; empty when that leaves
   * the range.
   */
  public Optional<RecipePoint> move(RecipePoint centre, boolean up, int batchSize) {
    RecipePoint c = centre;
    return switch (this) {
      case LEARNING_RATE ->
          factor(c.learningRateFactor(), up)
              .map(
                  f ->
                      new RecipePoint(
                          f, c.replayFraction(), c.feedbackWeightFactor(), c.loraRank()));
      case FEEDBACK_WEIGHT ->
          factor(c.feedbackWeightFactor(), up)
              .map(
                  f ->
                      new RecipePoint(c.learningRateFactor(), c.replayFraction(), f, c.loraRank()));
      case REPLAY -> {
        long rows = Math.round(c.replayFraction() * batchSize) + (up ? 1 : -1);
        yield rows < 0 || rows > batchSize - 1
            ? Optional.empty()
            : Optional.of(
                new RecipePoint(
                    c.learningRateFactor(),
                    (double) rows / batchSize,
                    c.feedbackWeightFactor(),
                    c.loraRank()));
      }
      case RANK -> {
        int rank = up ? c.loraRank() * 2 : c.loraRank() / 2;
        yield rank < 1 || rank > MAX_RANK || (!up && c.loraRank() % 2 != 0)
            ? Optional.empty()
            : Optional.of(c.withLoraRank(rank));
      }
    };
  }

  /**
   * {@code point} with this setting drawn back to at most {@code reach} steps from {@code
   * configured}'s (0: the configured value); a setting within reach stays as it is.
   */
  public RecipePoint drawBack(RecipePoint point, RecipePoint configured, int reach, int batchSize) {
    RecipePoint p = point;
    double span = Math.pow(2, reach);
    return switch (this) {
      case LEARNING_RATE ->
          new RecipePoint(
              within(p.learningRateFactor(), configured.learningRateFactor(), span),
              p.replayFraction(),
              p.feedbackWeightFactor(),
              p.loraRank());
      case FEEDBACK_WEIGHT ->
          new RecipePoint(
              p.learningRateFactor(),
              p.replayFraction(),
              within(p.feedbackWeightFactor(), configured.feedbackWeightFactor(), span),
              p.loraRank());
      case REPLAY -> {
        long rows = Math.round(p.replayFraction() * batchSize);
        long configuredRows = Math.round(configured.replayFraction() * batchSize);
        long drawn =
            Math.max(
                Math.max(0, configuredRows - reach),
                Math.min(Math.min(batchSize - 1, configuredRows + reach), rows));
        yield drawn == rows && reach > 0
            ? p
            : new RecipePoint(
                p.learningRateFactor(),
                drawn == configuredRows ? configured.replayFraction() : (double) drawn / batchSize,
                p.feedbackWeightFactor(),
                p.loraRank());
      }
      case RANK ->
          p.withLoraRank(
              (int)
                  Math.max(
                      Math.max(1, configured.loraRank() / span),
                      Math.min(configured.loraRank() * span, p.loraRank())));
    };
  }

  private static double within(double value, double configured, double span) {
    return Math.max(configured / span, Math.min(configured * span, value));
  }

  /** How a move along this dimension is named in the trials: {@code learning-rate x0.5}, ... */
  public String moveName(boolean up, RecipePoint moved, int batchSize) {
    return switch (this) {
      case LEARNING_RATE, FEEDBACK_WEIGHT -> label + (up ? " x2" : " x0.5");
      case REPLAY ->
          String.format(
              Locale.ROOT,
              "replay %d/%d",
              Math.round(moved.replayFraction() * batchSize),
              batchSize);
      case RANK -> "rank " + moved.loraRank();
    };
  }

  private static Optional<Double> factor(double factor, boolean up) {
    double moved = up ? factor * 2 : factor / 2;
    return moved < MIN_FACTOR - 1e-12 || moved > MAX_FACTOR + 1e-12
        ? Optional.empty()
        : Optional.of(moved);
  }

  /** {@code rank}, {@code learning-rate}, {@code replay} or {@code feedback-weight}. */
  public static Dimension parse(String label) {
    for (Dimension dimension : values()) {
      if (dimension.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
        return dimension;
      }
    }
    throw new IllegalArgumentException(
        "Unknown search dimension " + label + " (rank, learning-rate, replay, feedback-weight)");
  }
}
