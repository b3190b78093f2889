package dev.perennial.trainer.worker;

import dev.perennial.core.files.Folders;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.train.LoraTrainer;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.TrainingDivergedException;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.schemas.v1.SearchedRecipe;
import dev.perennial.trainer.plasticity.GainProbe;
import dev.perennial.trainer.search.Dimension;
import dev.perennial.trainer.search.RecipePoint;
import dev.perennial.trainer.search.ReplayHoldOut;
import dev.perennial.trainer.search.SearchSettings;
import dev.perennial.trainer.search.SuccessiveHalving;
import dev.perennial.trainer.search.TrialScore;
import dev.perennial.trainer.search.WarmStart;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's recipe search: {@link SuccessiveHalving} over the centre ({@link WarmStart}) and its
 * moves along the job's {@link Dimension}, each trial trained from the job's starting adapter on
 * the job's data for its share of the budget and ranked by {@link TrialScore} on what {@link
 * SearchSettings.RankedOn} names (the record says which, see {@link
 * SearchSettings.RankedOn#rankedBy}); the winner's recipe trains the candidate, for as many steps
 * as the compute budget leaves.
 */
final class JobSearch {

  private static final Logger log = LoggerFactory.getLogger(JobSearch.class);

  /** The job's training request for a recipe, a step budget and an output folder. */
  @FunctionalInterface
  interface Requests {
    LoraTrainingRequest request(JobRecipe recipe, int steps, Path into);
  }

  /**
   * The recipe the candidate trains with, its point, its step budget, and the search as the
   * candidate records it.
   */
  record Outcome(JobRecipe recipe, RecipePoint point, int steps, RecipeSearch record) {}

  private JobSearch() {}

  /**
   * @param recipe the configured recipe (the tenant's)
   * @param budgetOf a recipe's step budget for the job
   * @param requests the trials' training requests (no early stopping: a trial trains exactly its
   *     steps), replaying the pool less {@code replay}'s examples
   * @param start the adapter the job starts from, or null for a fresh one
   * @param rankedOn what {@code gain} probes: the job's validation examples, or its own
   * @param gain the examples a trial's learning gain is measured on
   * @param replay the replay examples held out of the trials' training ({@link
   *     ReplayHoldOut#heldOut})
   * @param jobSteps the job's steps, which the trials' go on
   * @param afterCandidate the steps the job plans after the candidate's training, given its steps
   */
  static Outcome run(
      String jobId,
      SearchSettings settings,
      JobRecipe recipe,
      WarmStart.Centre centre,
      Dimension dimension,
      ToIntFunction<JobRecipe> budgetOf,
      Requests requests,
      PeftAdapter start,
      SearchSettings.RankedOn rankedOn,
      GainProbe gain,
      GainProbe replay,
      Path folder,
      JobSteps jobSteps,
      IntUnaryOperator afterCandidate) {
    int configuredSteps = budgetOf.applyAsInt(recipe);
    List<SearchSettings.Variant> variants =
        SearchSettings.variants(centre.point(), dimension, recipe.model().batchSize());
    SuccessiveHalving<SearchSettings.Variant> halving =
        new SuccessiveHalving<>(settings.startShare(variants.size()));
    // the job's plan: the trials, then the candidate with the configured recipe's budget
    int plannedTrials = halving.plannedSteps(variants.size(), configuredSteps);
    int plannedFinal = settings.finalSteps(configuredSteps, configuredSteps, plannedTrials);
    int afterTrials = plannedFinal + afterCandidate.applyAsInt(plannedFinal);
    AtomicInteger trialStepsRun = new AtomicInteger();
    double before = gain.loss(start);
    double replayBefore = replay.isEmpty() ? Double.NaN : replay.loss(start);
    AtomicInteger trials = new AtomicInteger();
    SuccessiveHalving.Result<SearchSettings.Variant> result =
        halving.search(
            variants,
            configuredSteps,
            (variant, steps) -> {
              Path output = folder.resolve("trial-" + trials.incrementAndGet());
              int later = Math.max(0, plannedTrials - trialStepsRun.addAndGet(steps)) + afterTrials;
              try {
                LoraTrainer.run(
                    requests.request(recipe.at(variant.point()), steps, output),
                    jobSteps.next(planned -> later));
              } catch (TrainingDivergedException e) {
                // a recipe that diverges is what a search is there to find out, not a failure
                Folders.deleteRecursively(output);
                log.warn(
                    "Search of {}: {} for {} steps diverged ({})",
                    jobId,
                    variant.name(),
                    steps,
                    e.getMessage());
                return TrialScore.diverged(Double.NaN, Double.NaN);
              }
              PeftAdapter trial = PeftAdapter.read(output);
              double learnt = before - gain.loss(trial);
              double replayChange =
                  replay.isEmpty() ? Double.NaN : replay.loss(trial) - replayBefore;
              TrialScore score =
                  replay.isEmpty()
                      ? TrialScore.measured(learnt)
                      : TrialScore.measured(learnt, replayChange);
              Folders.deleteRecursively(output);
              log.info(
                  "Search of {}: {} for {} steps gained {} on {}, held-out replay loss change {}"
                      + " ({})",
                  jobId,
                  variant.name(),
                  steps,
                  learnt,
                  rankedOn,
                  replayChange,
                  score.diverged() ? "diverged" : score.gatesPassed() ? "kept" : "lost");
              return score;
            });
    JobRecipe winner = recipe.at(result.winner().point());
    int finalSteps =
        settings.finalSteps(configuredSteps, budgetOf.applyAsInt(winner), result.trialSteps());
    double configuredRate = recipe.model().learningRate();
    List<RecipeTrial> recorded =
        result.trials().stream()
            .map(
                t ->
                    RecipeTrial.newBuilder()
                        .setVariant(t.variant().name())
                        .setRecipe(t.variant().changes(configuredRate))
                        .setSeed(recipe.model().seed())
                        .setRound(t.round())
                        .setSteps(t.steps())
                        .setGatesPassed(t.score().gatesPassed())
                        .setLearningGain(t.score().learningGain())
                        // null without replay; NaN where the sample was measured and diverged
                        .setReplayLossChange(replay.isEmpty() ? null : t.score().replayLossChange())
                        .setMarginBeyondInterval(t.score().marginBeyondInterval())
                        .setDroppedInRound(t.droppedInRound() < 0 ? null : t.droppedInRound())
                        .build())
            .toList();
    RecipeSearch record =
        RecipeSearch.newBuilder()
            .setWinner(result.winner().name())
            .setFullSteps(configuredSteps)
            .setFinalSteps(finalSteps)
            .setBudget(settings.budget())
            .setCentre(centre.origin().label())
            .setTrialSteps(result.trialSteps())
            .setRankedBy(rankedOn.rankedBy(!replay.isEmpty()))
            .setTrials(recorded)
            .build();
    return new Outcome(winner, result.winner().point(), finalSteps, record);
  }

  /** A point as a lineage records it. */
  static SearchedRecipe record(RecipePoint point, WarmStart.Origin origin) {
    return SearchedRecipe.newBuilder()
        .setLearningRateFactor(point.learningRateFactor())
        .setReplayFraction(point.replayFraction())
        .setFeedbackWeightFactor(point.feedbackWeightFactor())
        .setLoraRank(point.loraRank())
        .setOrigin(origin.label())
        .build();
  }

  /** A lineage's point back, if it recorded one. */
  static Optional<RecipePoint> point(SearchedRecipe recorded) {
    return Optional.ofNullable(recorded)
        .map(
            r ->
                new RecipePoint(
                    r.getLearningRateFactor(),
                    r.getReplayFraction(),
                    r.getFeedbackWeightFactor(),
                    r.getLoraRank()));
  }
}
