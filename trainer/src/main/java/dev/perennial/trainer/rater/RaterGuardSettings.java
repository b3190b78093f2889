package dev.perennial.trainer.rater;

import dev.perennial.trainer.config.TrainerConfig;

/**
 * How the {@link RaterGuard} decides ({@code perennial.trainer.recipe.feedback.rater.guard.*}).
 *
 * @param enabled whether the guard runs at all
 * @param alpha level of the one-sided binomial test of a subject's disagreements against 1/2
 * @param minItems least compared items before a subject can be set aside
 * @param minOthers least other subjects voting on an item for it to be compared
 * @param majorityVote whether the labels each item's majority of subjects votes against are set
 *     aside too ({@link ItemMajority})
 */
public record RaterGuardSettings(
    boolean enabled, double alpha, int minItems, int minOthers, boolean majorityVote) {

  public RaterGuardSettings {
    if (!(alpha > 0 && alpha < 1) || minItems < 1 || minOthers < 1) {
      throw new IllegalArgumentException(
          "rater guard: alpha in (0, 1), min.items and min.others at least 1, not "
              + alpha
              + ", "
              + minItems
              + ", "
              + minOthers);
    }
  }

  public static RaterGuardSettings from(TrainerConfig config) {
    return new RaterGuardSettings(
        config.getBoolean(TrainerConfig.RECIPE_RATER_GUARD_ENABLED_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_RATER_GUARD_ALPHA_CONFIG),
        config.getInt(TrainerConfig.RECIPE_RATER_GUARD_MIN_ITEMS_CONFIG),
        config.getInt(TrainerConfig.RECIPE_RATER_GUARD_MIN_OTHERS_CONFIG),
        config.getBoolean(TrainerConfig.RECIPE_RATER_GUARD_MAJORITY_VOTE_CONFIG));
  }

  /** The defaults with the guard off: what a candidate that recorded no guard trained with. */
  public static RaterGuardSettings off() {
    return new RaterGuardSettings(
        false,
        TrainerConfig.RECIPE_RATER_GUARD_ALPHA_DEFAULT,
        TrainerConfig.RECIPE_RATER_GUARD_MIN_ITEMS_DEFAULT,
        TrainerConfig.RECIPE_RATER_GUARD_MIN_OTHERS_DEFAULT,
        false);
  }
}
