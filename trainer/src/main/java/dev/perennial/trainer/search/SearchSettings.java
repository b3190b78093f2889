package dev.perennial.trainer.search;

import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether and how a job searches its recipe before training its candidate: successive halving over
 * the centre (the key's last winner, see {@link WarmStart}, drawn back to within {@link #reach} of
 * the configured recipe) and one step down and up along one {@link Dimension}, the next of {@link
 * #dimensions} with every update of the key; each trial ranked by the trainer's stand-in for the
 * evaluator's measurements ({@link TrialScore}) on its validation examples, or on its own examples
 * when it set too few aside ({@link #rankedOn}). Keys with little data never search.
 *
 * <p>Compute: the trials and the winner's training together take at most {@code budget} times the
 * job's step budget under the configured recipe. The winner gets its full step budget when at least
 * half a budget is left to the trials ({@code budget >= 1.5}; then the trials take {@code budget -
 * 1}), else two thirds of {@code budget} (the trials the other third).
 *
 * @param enabled whether jobs search at all
 * @param minValidationExamples fewest examples a job ranks its trials on: validation examples, else
 *     its own training examples
 * @param budget trials plus the final training, in step budgets of the configured recipe
 * @param dimensions the settings searched, one per job in turn
 * @param reach the most steps the centre lies from the configured recipe along a searched setting
 *     (a setting not searched stays the configured one)
 */
public record SearchSettings(
    boolean enabled,
    int minValidationExamples,
    double budget,
    List<Dimension> dimensions,
    int reach) {

  /** A trial that raises the loss on the job's replay sample by more than this fails. */
  public static final double RETENTION_TOLERANCE = 0.05;

  /**
   * What a job's trials are ranked on: its validation examples when it set aside enough, else its
   * own training examples (the learning gain the plasticity monitor measures).
   */
  public enum RankedOn {
    VALIDATION("the job's validation examples (never trained on)"),
    OWN_EXAMPLES("the job's own training examples (too few validation examples set aside)");

    private final String description;

    RankedOn(String description) {
      this.description = description;
    }

    /** What the trials were ranked by, best first, as the candidate records it. */
    public String rankedBy(boolean replayMeasured) {
      String gates =
          replayMeasured
              ? "gates: loss on the job's held-out replay sample (replay examples no trial trains"
                  + " on) rose by at most "
                  + RETENTION_TOLERANCE
                  + " nats (the trainer's stand-in for the retention gates); then learning gain"
                  + " (loss on "
                  + description
                  + ", before minus after) minus the replay sample's loss change (after minus"
                  + " before)"
              : "gates: none (no replay sample); then learning gain (loss on "
                  + description
                  + ", before minus after)";
      return gates
          + "; no margin over the incumbent (0: the trainer has no incumbent interval); a trial"
          + " that stopped as diverged or after which a loss was not finite: it ranks last and never goes on, and a"
          + " round where every trial diverged fails the job";
    }
  }

  /** The name of the centre among the variants. */
  public static final String CENTRE = "centre";

  /** A variant of the recipe: its name and its settings. */
  public record Variant(String name, RecipePoint point) {

    public Map<String, String> changes(double configuredLearningRate) {
      return point.settings(configuredLearningRate);
    }
  }

  public SearchSettings {
    dimensions = List.copyOf(dimensions);
    if (minValidationExamples < 1
        || !(budget >= 0.5 && budget <= 10)
        || dimensions.isEmpty()
        || reach < 0) {
      throw new TrainerException(
          "search settings out of range: min validation examples "
              + minValidationExamples
              + ", budget "
              + budget
              + " (0.5 to 10), dimensions "
              + dimensions
              + ", reach "
              + reach);
    }
  }

  public static SearchSettings from(TrainerConfig config) {
    return new SearchSettings(
        config.getBoolean(TrainerConfig.RECIPE_SEARCH_CONFIG),
        config.getInt(TrainerConfig.RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_SEARCH_BUDGET_CONFIG),
        config.getList(TrainerConfig.RECIPE_SEARCH_DIMENSIONS_CONFIG).stream()
            .map(Dimension::parse)
            .toList(),
        config.getInt(TrainerConfig.RECIPE_SEARCH_REACH_CONFIG));
  }

  public static SearchSettings off() {
    return new SearchSettings(
        false,
        TrainerConfig.RECIPE_SEARCH_MIN_VALIDATION_EXAMPLES_DEFAULT,
        TrainerConfig.RECIPE_SEARCH_BUDGET_DEFAULT,
        List.of(Dimension.values()),
        TrainerConfig.RECIPE_SEARCH_REACH_DEFAULT);
  }

  /**
   * Where a search centred on {@code point} (the key's last winner or a prior) starts: every
   * searched setting drawn back to within {@link #reach} steps of {@code configured}'s, every other
   * one the configured. Each winner becomes the next centre, so without this bound a winner by a
   * short trial's margin compounds, update after update, into a recipe the key forgets with (less
   * replay, lower feedback weights: measured in the README's recipe search).
   */
  public RecipePoint withinReach(RecipePoint point, RecipePoint configured, int batchSize) {
    RecipePoint drawn = point;
    for (Dimension dimension : Dimension.values()) {
      int steps = dimensions.contains(dimension) ? reach : 0;
      drawn = dimension.drawBack(drawn, configured, steps, batchSize);
    }
    return drawn;
  }

  /**
   * What a job with these many validation and own (training) language-model examples ranks its
   * trials on, or empty when it does not search: off, or fewer than {@code minValidationExamples}
   * of either (keys with little data never search).
   */
  public Optional<RankedOn> rankedOn(int validationExamples, int ownExamples) {
    if (!enabled) {
      return Optional.empty();
    }
    if (validationExamples >= minValidationExamples) {
      return Optional.of(RankedOn.VALIDATION);
    }
    return ownExamples >= minValidationExamples
        ? Optional.of(RankedOn.OWN_EXAMPLES)
        : Optional.empty();
  }

  /**
   * The dimension update {@code update} of a key searches: the configured dimensions that apply to
   * the job, taken in turn ({@code (update - 1) mod} their count); empty when none applies.
   */
  public Optional<Dimension> dimension(int update, Set<Dimension> applicable) {
    List<Dimension> open = dimensions.stream().filter(applicable::contains).toList();
    return open.isEmpty()
        ? Optional.empty()
        : Optional.of(open.get(Math.floorMod(update - 1, open.size())));
  }

  /**
   * Why a job of an enabled search does not search, for the log: too few examples to rank trials on
   * ({@link #rankedOn}), or none of the searched settings {@code applicable} to it ({@link
   * #dimension}).
   */
  public String whyNot(int validationExamples, int ownExamples, Set<Dimension> applicable) {
    if (rankedOn(validationExamples, ownExamples).isEmpty()) {
      return String.format(
          Locale.ROOT,
          "fewer than %d examples to rank trials on (%d set aside, %d to train on)",
          minValidationExamples,
          validationExamples,
          ownExamples);
    }
    return "none of the searched settings "
        + dimensions.stream().map(Dimension::label).toList()
        + " applies (a continued adapter keeps its rank; the feedback weight needs feedback)";
  }

  /** The centre first, then its moves along {@code dimension} that stay in range. */
  public static List<Variant> variants(RecipePoint centre, Dimension dimension, int batchSize) {
    List<Variant> variants = new ArrayList<>();
    variants.add(new Variant(CENTRE, centre));
    for (boolean up : new boolean[] {false, true}) {
      dimension
          .move(centre, up, batchSize)
          .ifPresent(p -> variants.add(new Variant(dimension.moveName(up, p, batchSize), p)));
    }
    return variants;
  }

  /** Share of the configured step budget all trials together may take. */
  public double trialShare() {
    return Math.max(budget - 1, budget / 3);
  }

  /**
   * The first round's share of the step budget for {@code variants} variants, such that the trials
   * take {@link #trialShare} (each round keeps half with twice the steps).
   */
  public double startShare(int variants) {
    return Math.min(1, trialShare() / SuccessiveHalving.cost(variants));
  }

  /**
   * Whether the trials of a search around {@code centre} along {@code dimension} leave the
   * candidate at least one step of {@link #budget} times {@code fullSteps}: each trial trains at
   * least a step, so a small job's trials alone may take more.
   */
  public boolean fits(RecipePoint centre, Dimension dimension, int batchSize, int fullSteps) {
    int variants = variants(centre, dimension, batchSize).size();
    int trials = new SuccessiveHalving<>(startShare(variants)).plannedSteps(variants, fullSteps);
    return trials < (int) Math.floor(budget * fullSteps + 1e-9);
  }

  /**
   * The steps the winner trains the candidate with: its own step budget, cut so that the trials and
   * it fit {@link #budget} times the configured recipe's.
   */
  public int finalSteps(int configuredSteps, int winnerSteps, int trialSteps) {
    int left = (int) Math.floor(budget * configuredSteps + 1e-9) - trialSteps;
    return Math.max(1, Math.min(winnerSteps, left));
  }
}
