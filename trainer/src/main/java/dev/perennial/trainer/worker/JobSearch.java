package dev.perennial.trainer.worker;

import dev.perennial.core.files.Folders;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.train.LoraTrainer;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.trainer.plasticity.GainProbe;
import dev.perennial.trainer.search.SearchSettings;
import dev.perennial.trainer.search.SuccessiveHalving;
import dev.perennial.trainer.search.TrialScore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's recipe search: {@link SuccessiveHalving} over the {@link SearchSettings#variants}, each
 * trial trained from the job's starting adapter on the job's data for its share of the budget and
 * ranked as {@link SearchSettings#RANKED_BY} says; the winner's recipe trains the candidate.
 */
final class JobSearch {

  private static final Logger log = LoggerFactory.getLogger(JobSearch.class);

  /** The recipe the candidate trains with, and the search as the candidate records it. */
  record Outcome(TrainingRecipe recipe, RecipeSearch record) {}

  private JobSearch() {}

  /**
   * @param requestFor the job's training request for a recipe and an output folder (no early
   *     stopping: a trial trains exactly its steps)
   * @param start the adapter the job starts from, or null for a fresh one
   * @param validation the job's validation examples (never trained on)
   * @param replay a sample of the job's replay pool
   */
  static Outcome run(
      String jobId,
      SearchSettings settings,
      TrainingRecipe recipe,
      BiFunction<TrainingRecipe, Path, LoraTrainingRequest> requestFor,
      PeftAdapter start,
      GainProbe validation,
      GainProbe replay,
      Path folder,
      StepListener listener) {
    double before = validation.loss(start);
    double replayBefore = replay.isEmpty() ? Double.NaN : replay.loss(start);
    AtomicInteger trials = new AtomicInteger();
    SuccessiveHalving.Result<SearchSettings.Variant> result =
        new SuccessiveHalving<SearchSettings.Variant>(settings.startShare())
            .search(
                settings.variants(),
                recipe.steps(),
                (variant, steps) -> {
                  Path output = folder.resolve("trial-" + trials.incrementAndGet());
                  LoraTrainer.run(
                      requestFor.apply(variantRecipe(recipe, variant).withSteps(steps), output),
                      listener);
                  PeftAdapter trial = PeftAdapter.read(output);
                  double gain = before - validation.loss(trial);
                  boolean kept =
                      replay.isEmpty()
                          || replay.loss(trial)
                              <= replayBefore + SearchSettings.RETENTION_TOLERANCE;
                  Folders.deleteRecursively(output);
                  log.info(
                      "Search of {}: {} for {} steps gained {} on validation, retention {}",
                      jobId,
                      variant.name(),
                      steps,
                      gain,
                      kept ? "kept" : "lost");
                  return new TrialScore(kept, gain, 0);
                });
    List<RecipeTrial> recorded =
        result.trials().stream()
            .map(
                t ->
                    RecipeTrial.newBuilder()
                        .setVariant(t.variant().name())
                        .setRecipe(t.variant().changes(recipe.learningRate()))
                        .setSeed(recipe.seed())
                        .setRound(t.round())
                        .setSteps(t.steps())
                        .setGatesPassed(t.score().gatesPassed())
                        .setLearningGain(t.score().learningGain())
                        .setMarginBeyondInterval(t.score().marginBeyondInterval())
                        .setDroppedInRound(t.droppedInRound() < 0 ? null : t.droppedInRound())
                        .build())
            .toList();
    RecipeSearch record =
        RecipeSearch.newBuilder()
            .setWinner(result.winner().name())
            .setFullSteps(recipe.steps())
            .setTrialSteps(result.trialSteps())
            .setRankedBy(SearchSettings.RANKED_BY)
            .setTrials(recorded)
            .build();
    return new Outcome(variantRecipe(recipe, result.winner()), record);
  }

  private static TrainingRecipe variantRecipe(TrainingRecipe recipe, SearchSettings.Variant v) {
    return recipe.withLearningRate(recipe.learningRate() * v.learningRateFactor());
  }
}
