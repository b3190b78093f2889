package dev.perennial.cli.bench.upgrade;

import dev.perennial.model.bench.AdapterRecipe;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.worker.JobRecipe;
import dev.perennial.trainer.worker.ValidationSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trainer's job recipe as {@code bench upgrade} trains with it, so that its figures are those
 * of the pipeline's jobs (a REBASE job's fine-tuning included): the job's steps from its epochs
 * ({@link JobRecipe#steps}), its replay share, learning rate and warm-up, and a tenth of the data
 * set aside for early stopping when the step budget leaves room to stop ({@link
 * JobRecipe#validationFraction}). The bench's own step counts are ignored. What differs from a job:
 * the bench's data are documents and questions (no feedback objectives), its replay is the base's
 * whole general set (a job draws at most {@code replay.pool.size}, 1,024, which holds it), and no
 * recipe search runs.
 */
public final class TrainerRecipe implements AdapterRecipe {

  private static final String VALIDATION_SALT = "bench-validation:";

  private final Map<String, String> configured;

  /**
   * @param configured trainer settings over the defaults ({@code perennial.trainer.*})
   */
  public TrainerRecipe(Map<String, String> configured) {
    this.configured = Map.copyOf(configured);
    recipe(42, 1); // a bad setting fails here, before any training
  }

  @Override
  public LoraTrainingRequest request(
      BaseModel base,
      List<TrainingExample> data,
      List<TrainingExample> replay,
      PeftAdapter startFrom,
      int steps,
      long seed,
      int threads,
      Path output) {
    JobRecipe recipe = recipe(seed, threads);
    double fraction = recipe.validationFraction(data.size(), replay.size());
    List<TrainingExample> training = new ArrayList<>();
    List<TrainingExample> validation = new ArrayList<>();
    HeldOutSplit split = new HeldOutSplit(fraction);
    for (TrainingExample example : data) {
      (split.isHeldOut(VALIDATION_SALT + example) ? validation : training).add(example);
    }
    if (validation.size() < ValidationSplit.MIN_EXAMPLES || training.isEmpty()) {
      training = data;
      validation = List.of();
    }
    int jobSteps = recipe.steps(training.size(), replay.size());
    TrainingRecipe model = recipe.modelRecipe(jobSteps);
    return LoraTrainingRequest.startingFrom(
            startFrom, recipe.freshLora(), base, training, replay, model, output)
        .stoppingOn(validation, recipe.earlyStopping(training.size(), replay.size()));
  }

  private JobRecipe recipe(long seed, int threads) {
    Map<String, String> values = new HashMap<>(configured);
    values.put(TrainerConfig.RECIPE_SEED_CONFIG, Long.toString(seed));
    values.put(TrainerConfig.RECIPE_THREADS_CONFIG, Integer.toString(threads));
    return JobRecipe.from(new TrainerConfig(values)).forJob(1, 0);
  }

  @Override
  public String describe() {
    JobRecipe recipe = recipe(42, 1);
    TrainingRecipe model = recipe.model();
    return String.format(
        Locale.ROOT,
        "the trainer's (%d epochs up to %d steps, %d of %d rows replay, lr %s, early stopping)",
        recipe.epochs(),
        recipe.maxSteps(),
        recipe.replayRows(Integer.MAX_VALUE),
        model.batchSize(),
        model.learningRate());
  }
}
