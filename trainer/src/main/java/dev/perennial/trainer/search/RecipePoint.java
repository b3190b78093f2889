package dev.perennial.trainer.search;

import dev.perennial.trainer.TrainerException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A recipe as the search sees it: the value of every searched setting. The learning rate and the
 * feedback weights are multiples of the configured ones (a tenant's own rate included), so a point
 * carries over between keys and tenants; the replay share and the rank are absolute.
 *
 * @param learningRateFactor peak learning rate as a multiple of the configured rate
 * @param replayFraction share of each micro-batch drawn from replay
 * @param feedbackWeightFactor multiple of the configured weights of preference, rating and
 *     correction rows (the feedback objectives' weights against a language-model row)
 * @param loraRank the adapter's rank (a continued adapter keeps its own)
 */
public record RecipePoint(
    double learningRateFactor, double replayFraction, double feedbackWeightFactor, int loraRank) {

  public RecipePoint {
    if (!(learningRateFactor > 0)
        || !(replayFraction >= 0 && replayFraction < 1)
        || !(feedbackWeightFactor > 0)
        || loraRank < 1) {
      throw new TrainerException(
          String.format(
              Locale.ROOT,
              "recipe point out of range: learning-rate factor %s, replay fraction %s, feedback"
                  + " weight factor %s, rank %d",
              learningRateFactor,
              replayFraction,
              feedbackWeightFactor,
              loraRank));
    }
  }

  /** The configured recipe: factors 1, its replay share and a fresh adapter's rank. */
  public static RecipePoint configured(double replayFraction, int loraRank) {
    return new RecipePoint(1, replayFraction, 1, loraRank);
  }

  public RecipePoint withLoraRank(int rank) {
    return new RecipePoint(learningRateFactor, replayFraction, feedbackWeightFactor, rank);
  }

  /** Its settings as a trial records them, the learning rate absolute. */
  public Map<String, String> settings(double configuredLearningRate) {
    Map<String, String> settings = new TreeMap<>();
    settings.put("learningRate", number(configuredLearningRate * learningRateFactor));
    settings.put("learningRateFactor", number(learningRateFactor));
    settings.put("replayFraction", number(replayFraction));
    settings.put("feedbackWeightFactor", number(feedbackWeightFactor));
    settings.put("loraRank", Integer.toString(loraRank));
    return settings;
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%s", value);
  }
}
