package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.train.FeedbackObjectives;
import dev.perennial.model.train.PairLoss;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.search.RecipePoint;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRecipeTest {

  @TempDir Path folder;

  @Test
  void stepsFollowTheJobsSizeUpToTheCap() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "3");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "20");
    values.put(TrainerConfig.RECIPE_BATCH_SIZE_CONFIG, "8");
    values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0.25");
    JobRecipe recipe = JobRecipe.from(new TrainerConfig(values));

    assertThat(recipe.replayRows(100)).isEqualTo(2);
    assertThat(recipe.steps(12, 100)).as("3 epochs x 12 / 6 new rows").isEqualTo(6);
    assertThat(recipe.steps(12, 0)).as("no replay: 3 epochs x ceil(12 / 8)").isEqualTo(6);
    assertThat(recipe.steps(1000, 100)).isEqualTo(20);
    assertThat(recipe.steps(1, 100)).as("one step per epoch at least").isEqualTo(3);
    assertThat(recipe.modelRecipe(1).warmupSteps()).isEqualTo(1);
  }

  @Test
  void aSearchedPointMovesTheRateTheReplayShareTheFeedbackWeightsAndAFreshAdaptersRank() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "3");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "100");
    values.put(TrainerConfig.RECIPE_BATCH_SIZE_CONFIG, "8");
    values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0.25");
    JobRecipe recipe = JobRecipe.from(new TrainerConfig(values));

    JobRecipe moved = recipe.at(new RecipePoint(2, 0.5, 0.5, recipe.freshLora().rank() * 2));

    assertThat(recipe.at(recipe.point()))
        .as("the configured point changes nothing")
        .isEqualTo(recipe);
    assertThat(moved.model().learningRate()).isEqualTo(recipe.model().learningRate() * 2);
    assertThat(moved.steps(12, 100)).as("3 epochs x 12 / 4 new rows").isEqualTo(9);
    assertThat(moved.objectives().preferenceWeight()).isEqualTo(0.5);
    assertThat(moved.objectives().correctionWeight()).isEqualTo(0.5);
    assertThat(moved.objectives().languageModelWeight()).isEqualTo(1.0);
    assertThat(moved.freshLora().rank()).isEqualTo(recipe.freshLora().rank() * 2);
    assertThat(moved.freshLora().alpha() / moved.freshLora().rank())
        .as("alpha/r stays")
        .isEqualTo(recipe.freshLora().alpha() / recipe.freshLora().rank());
  }

  @Test
  void aJobSetsValidationExamplesAsideOnlyWhenItsBudgetAllowsStoppingEarly() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "20");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "40");
    values.put(TrainerConfig.RECIPE_BATCH_SIZE_CONFIG, "8");
    values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0.25");
    values.put(TrainerConfig.RECIPE_VALIDATION_FRACTION_CONFIG, "0.1");
    values.put(TrainerConfig.RECIPE_EARLY_STOPPING_PATIENCE_CONFIG, "2");
    JobRecipe recipe = JobRecipe.from(new TrainerConfig(values));

    assertThat(recipe.validationFraction(60, 100))
        .as("40 steps, 10 per epoch: stopping after 2 + 1 epochs is possible")
        .isEqualTo(0.1);
    assertThat(recipe.validationFraction(90, 100))
        .as("40 steps, 15 per epoch: the budget ends first")
        .isZero();
  }

  @Test
  void aTenantWithItsOwnLearningRateTrainsWithItAndOthersWithTheDefault() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_LEARNING_RATE_CONFIG, "0.003");
    values.put(
        "perennial.trainer.tenant.globex" + TrainerConfig.TENANT_LEARNING_RATE_SUFFIX, "1.0");
    TrainerConfig config = new TrainerConfig(values);
    JobRecipe recipe = JobRecipe.from(config);

    assertThat(recipe.forTenant("globex").model().learningRate()).isEqualTo(1.0);
    assertThat(recipe.forTenant("globex").modelRecipe(4).learningRate()).isEqualTo(1.0);
    assertThat(recipe.forTenant("acme").model().learningRate()).isEqualTo(0.003);
    assertThat(config.triggers("globex")).isEqualTo(config.defaultTriggers());
    assertThat(config.tenantTriggers()).doesNotContainKey("globex");
  }

  @Test
  void theRecordedRecipeHoldsEveryHyperparameterAndTheSeed() {
    JobRecipe recipe = JobRecipe.from(new TrainerConfig(TestConfigs.tinyRecipe(folder)));
    LoraConfig lora = recipe.freshLora();

    var record = recipe.record(recipe.modelRecipe(6), lora, Map.of("startedFrom", "fresh"));

    assertThat(record.getSeed()).isEqualTo(42);
    assertThat(record.getMaxSteps()).isEqualTo(6);
    assertThat(record.getBatchSize()).isEqualTo(4);
    assertThat(record.getLoraRank()).isEqualTo(4);
    assertThat(record.getLoraAlpha()).isEqualTo(16.0);
    assertThat(record.getOptimizer()).isEqualTo("adamw");
    assertThat(record.getReplayRatio()).isEqualTo(TrainerConfig.REPLAY_FRACTION_DEFAULT);
    assertThat(record.getExtras())
        .containsEntry("steps", "6")
        .containsEntry("threads", "1")
        .containsEntry("gradientAccumulation", "1")
        .containsEntry("startedFrom", "fresh")
        .containsKeys("minLearningRateRatio", "adamBeta1", "replayTenantShare", "replayPoolSize");
  }

  @Test
  void aRecordedRecipeReadsBackAsTheRecipeTheJobTrainedWith() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "20");
    values.put(TrainerConfig.RECIPE_PREFERENCE_BETA_CONFIG, "0.25");
    values.put(TrainerConfig.RECIPE_REPLAY_KL_WEIGHT_CONFIG, "0.5");
    values.put(TrainerConfig.RECIPE_PREFERENCE_DROP_SHARE_CONFIG, "0.3");
    values.put(
        "perennial.trainer.tenant.globex" + TrainerConfig.TENANT_LEARNING_RATE_SUFFIX, "0.5");
    JobRecipe configured = JobRecipe.from(new TrainerConfig(values)).forTenant("globex");
    Map<String, String> withFeedback = new java.util.TreeMap<>(configured.objectiveExtras());
    var record = configured.record(configured.modelRecipe(6), configured.freshLora(), withFeedback);

    JobRecipe read = JobRecipe.fromRecord(record);

    assertThat(read.maxSteps()).isEqualTo(20);
    assertThat(read.model().learningRate()).as("the tenant's rate").isEqualTo(0.5);
    assertThat(read.modelRecipe(6)).isEqualTo(configured.modelRecipe(6));
    assertThat(read.objectives()).isEqualTo(configured.objectives());
    assertThat(read.objectives().replayKlWeight()).isEqualTo(0.5);
    assertThat(read.objectives().preferenceDropShare()).isEqualTo(0.3);
    assertThat(read.freshLora()).isEqualTo(configured.freshLora());
    assertThat(read.record(read.modelRecipe(6), read.freshLora(), withFeedback)).isEqualTo(record);
    assertThat(read.tenantLearningRates()).isEmpty();
  }

  @Test
  void aRecordedRecipeReadsBackWithTheLayerCheckpointingTheJobTrainedWith() {
    // checkpointing reseeds dropout per layer, so with dropout its masks (and the weights) differ
    // from a run without it (model README, Memory): a rebuild must train with it as the job did
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_CHECKPOINT_LAYERS_CONFIG, "true");
    JobRecipe configured = JobRecipe.from(new TrainerConfig(values));
    var record = configured.record(configured.modelRecipe(6), configured.freshLora(), Map.of());

    JobRecipe read = JobRecipe.fromRecord(record);

    assertThat(configured.model().checkpointLayers()).isTrue();
    assertThat(read.modelRecipe(6)).isEqualTo(configured.modelRecipe(6));
  }

  @Test
  void aJobOfFeedbackAloneTrainsByTheFeedbackOnlyProfileAndAMixedJobByTheKeysAsConfigured() {
    TrainerConfig config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    JobRecipe recipe = JobRecipe.from(config);
    // what every job trained with before the profile existed: the recipe keys as configured
    FeedbackObjectives configured =
        new FeedbackObjectives(
            PairLoss.DPO,
            TrainerConfig.RECIPE_PREFERENCE_BETA_DEFAULT,
            TrainerConfig.RECIPE_PREFERENCE_LABEL_SMOOTHING_DEFAULT,
            TrainerConfig.RECIPE_KTO_BETA_DEFAULT,
            1,
            1,
            TrainerConfig.RECIPE_PREFERENCE_SFT_WEIGHT_DEFAULT,
            1,
            1,
            1,
            1,
            1,
            TrainerConfig.RECIPE_REPLAY_KL_WEIGHT_DEFAULT,
            TrainerConfig.RECIPE_PREFERENCE_DROP_SHARE_DEFAULT);

    JobRecipe mixed = recipe.forJob(3, 5);
    JobRecipe feedbackOnly = recipe.forJob(0, 5);

    assertThat(mixed.objectives()).isEqualTo(configured).isEqualTo(recipe.objectives());
    assertThat(mixed.profile()).isEqualTo(FeedbackProfile.MIXED);
    assertThat(recipe.forJob(4, 0).objectives()).as("documents alone").isEqualTo(configured);
    assertThat(feedbackOnly.profile()).isEqualTo(FeedbackProfile.FEEDBACK_ONLY);
    assertThat(feedbackOnly.objectives().beta()).isEqualTo(0.1);
    assertThat(feedbackOnly.objectives().preferenceSftWeight()).isEqualTo(1.0);
    assertThat(feedbackOnly.objectives().replayKlWeight()).isEqualTo(12.0);
    assertThat(feedbackOnly.objectives())
        .as("the three keys and nothing else")
        .isEqualTo(
            new FeedbackObjectives(
                configured.pairLoss(),
                0.1,
                configured.labelSmoothing(),
                configured.ktoBeta(),
                configured.ktoDesirableWeight(),
                configured.ktoUndesirableWeight(),
                1.0,
                configured.correctionSftWeight(),
                configured.languageModelWeight(),
                configured.preferenceWeight(),
                configured.ratingWeight(),
                configured.correctionWeight(),
                12.0,
                configured.preferenceDropShare()));
    assertThat(feedbackOnly.forJob(3, 5)).as("the rule, not the order").isEqualTo(mixed);
    assertThat(mixed.objectiveExtras())
        .containsEntry("feedbackProfile", "mixed")
        .containsEntry("preferenceBeta", "0.5")
        .containsEntry("replayKlWeight", "0.0");
    assertThat(feedbackOnly.objectiveExtras())
        .containsEntry("feedbackProfile", "feedback-only")
        .containsEntry("preferenceBeta", "0.1")
        .containsEntry("preferenceSftWeight", "1.0")
        .containsEntry("replayKlWeight", "12.0");
  }

  @Test
  void aFeedbackOnlyJobsRecordReadsBackAsItsProfileAndTheSameJobKeepsIt() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_CONFIG, "3");
    JobRecipe trained = JobRecipe.from(new TrainerConfig(values)).forJob(0, 8);
    var record =
        trained.record(
            trained.modelRecipe(6), trained.freshLora(), new TreeMap<>(trained.objectiveExtras()));

    JobRecipe read = JobRecipe.fromRecord(record);

    assertThat(read.profile()).isEqualTo(FeedbackProfile.FEEDBACK_ONLY);
    assertThat(read.objectives()).isEqualTo(trained.objectives());
    assertThat(read.objectives().replayKlWeight()).isEqualTo(3.0);
    assertThat(read.forJob(0, 8).objectives()).isEqualTo(trained.objectives());
  }

  @Test
  void aRecordWrittenBeforeASettingWasRecordedNamesIt() {
    JobRecipe recipe = JobRecipe.from(new TrainerConfig(TestConfigs.tinyRecipe(folder)));
    var record = recipe.record(recipe.modelRecipe(6), recipe.freshLora(), Map.of());
    record.getExtras().remove("replayPoolSize");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobRecipe.fromRecord(record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the recorded recipe has no replayPoolSize");
  }
}
