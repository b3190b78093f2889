package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.lora.LoraConfig;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.search.RecipePoint;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.util.Map;
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
  void aRecordWrittenBeforeASettingWasRecordedNamesIt() {
    JobRecipe recipe = JobRecipe.from(new TrainerConfig(TestConfigs.tinyRecipe(folder)));
    var record = recipe.record(recipe.modelRecipe(6), recipe.freshLora(), Map.of());
    record.getExtras().remove("replayPoolSize");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobRecipe.fromRecord(record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the recorded recipe has no replayPoolSize");
  }
}
