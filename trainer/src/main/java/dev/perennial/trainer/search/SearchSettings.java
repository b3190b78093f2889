package dev.perennial.trainer.search;

import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether and how a job searches its recipe before training its candidate: successive halving over
 * learning-rate variants (x0.5, x1, x2 of the configured rate), each trial ranked by the trainer's
 * stand-in for the evaluator's measurements ({@link #RANKED_BY}). A job searches only when enabled
 * and when it set aside at least {@code minValidationExamples} validation examples to rank on: keys
 * with little data never search.
 *
 * @param enabled whether jobs search at all
 * @param minValidationExamples fewest validation examples a job must have to search
 * @param startShare share of the step budget each variant gets in the first round
 */
public record SearchSettings(boolean enabled, int minValidationExamples, double startShare) {

  /** A trial that raises the loss on the job's replay sample by more than this fails. */
  public static final double RETENTION_TOLERANCE = 0.05;

  public static final String RANKED_BY =
      "gates: loss on the job's replay sample rose by at most "
          + RETENTION_TOLERANCE
          + " nats (the trainer's stand-in for the retention gates); then learning gain: loss on"
          + " the job's validation examples (never trained on) before minus after; no margin over"
          + " the incumbent (0: the trainer has no incumbent interval)";

  /** A variant of the configured recipe: its name and what it changes. */
  public record Variant(String name, double learningRateFactor) {

    public Map<String, String> changes(double learningRate) {
      return Map.of(
          "learningRate", String.format(Locale.ROOT, "%s", learningRate * learningRateFactor));
    }
  }

  public SearchSettings {
    if (minValidationExamples < 1 || !(startShare > 0 && startShare <= 1)) {
      throw new TrainerException(
          "search settings out of range: min validation examples "
              + minValidationExamples
              + ", start share "
              + startShare);
    }
  }

  public static SearchSettings from(TrainerConfig config) {
    return new SearchSettings(
        config.getBoolean(TrainerConfig.RECIPE_SEARCH_CONFIG),
        config.getInt(TrainerConfig.RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_SEARCH_START_SHARE_CONFIG));
  }

  public static SearchSettings off() {
    return new SearchSettings(
        false,
        TrainerConfig.RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_DEFAULT,
        TrainerConfig.RECIPE_SEARCH_START_SHARE_DEFAULT);
  }

  /** Whether a job with this many validation examples searches. */
  public boolean applies(int validationExamples) {
    return enabled && validationExamples >= minValidationExamples;
  }

  /** The variants searched, the configured recipe among them. */
  public List<Variant> variants() {
    return List.of(
        new Variant("learning-rate x0.5", 0.5),
        new Variant("learning-rate x1", 1.0),
        new Variant("learning-rate x2", 2.0));
  }
}
