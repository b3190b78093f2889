package dev.perennial.trainer.worker;

import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configured recipe, turned into each job's model recipe: the number of steps follows from the
 * job's size ({@code epochs x examples / new examples per step}, at most {@code maxSteps}).
 */
public record JobRecipe(
    long seed,
    int epochs,
    int maxSteps,
    int batchSize,
    int gradientAccumulation,
    double learningRate,
    int warmupSteps,
    double minLearningRateRatio,
    double weightDecay,
    double maxGradNorm,
    int maxSequenceLength,
    int threads,
    double replayFraction,
    double replayTenantShare,
    int replayPoolSize,
    LoraConfig freshLora,
    Map<String, Double> tenantLearningRates) {

  public JobRecipe {
    tenantLearningRates = Map.copyOf(tenantLearningRates);
  }

  public static final String OPTIMIZER = "adamw";
  public static final String SCHEDULE = "linear-warmup-cosine";

  public static JobRecipe from(TrainerConfig config) {
    return new JobRecipe(
        config.getLong(TrainerConfig.RECIPE_SEED_CONFIG),
        config.getInt(TrainerConfig.RECIPE_EPOCHS_CONFIG),
        config.getInt(TrainerConfig.RECIPE_MAX_STEPS_CONFIG),
        config.getInt(TrainerConfig.RECIPE_BATCH_SIZE_CONFIG),
        config.getInt(TrainerConfig.RECIPE_GRADIENT_ACCUMULATION_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_LEARNING_RATE_CONFIG),
        config.getInt(TrainerConfig.RECIPE_WARMUP_STEPS_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_MIN_LEARNING_RATE_RATIO_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_WEIGHT_DECAY_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_MAX_GRAD_NORM_CONFIG),
        config.getInt(TrainerConfig.RECIPE_MAX_SEQUENCE_LENGTH_CONFIG),
        config.getInt(TrainerConfig.RECIPE_THREADS_CONFIG),
        config.getDouble(TrainerConfig.REPLAY_FRACTION_CONFIG),
        config.getDouble(TrainerConfig.REPLAY_TENANT_SHARE_CONFIG),
        config.getInt(TrainerConfig.REPLAY_POOL_SIZE_CONFIG),
        new LoraConfig(
            config.getInt(TrainerConfig.LORA_RANK_CONFIG),
            config.getDouble(TrainerConfig.LORA_ALPHA_CONFIG),
            config.getDouble(TrainerConfig.LORA_DROPOUT_CONFIG),
            TargetModule.parseList(
                String.join(",", config.getList(TrainerConfig.LORA_TARGET_MODULES_CONFIG)))),
        config.tenantLearningRates());
  }

  /** The recipe of {@code tenant}'s jobs: its own learning rate, if configured. */
  public JobRecipe forTenant(String tenant) {
    Double rate = tenantLearningRates.get(tenant);
    if (rate == null) {
      return this;
    }
    return new JobRecipe(
        seed,
        epochs,
        maxSteps,
        batchSize,
        gradientAccumulation,
        rate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        threads,
        replayFraction,
        replayTenantShare,
        replayPoolSize,
        freshLora,
        tenantLearningRates);
  }

  /** The same recipe with another step cap (a benchmark's warm-up). */
  public JobRecipe withMaxSteps(int steps) {
    return new JobRecipe(
        seed,
        epochs,
        steps,
        batchSize,
        gradientAccumulation,
        learningRate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        threads,
        replayFraction,
        replayTenantShare,
        replayPoolSize,
        freshLora,
        tenantLearningRates);
  }

  /** Replay rows per micro-batch, as the model's sampler draws them. */
  public int replayRows(int replayAvailable) {
    if (replayAvailable == 0 || replayFraction == 0) {
      return 0;
    }
    int rows = (int) Math.round(batchSize * replayFraction);
    return Math.min(batchSize - 1, Math.max(1, rows));
  }

  /** Optimizer steps for a job of {@code examples} training examples. */
  public int steps(int examples, int replayAvailable) {
    int newPerStep = (batchSize - replayRows(replayAvailable)) * gradientAccumulation;
    long wanted = ((long) epochs * examples + newPerStep - 1) / newPerStep;
    return (int) Math.max(1, Math.min(maxSteps, wanted));
  }

  /** The model layer's recipe for a job. */
  public TrainingRecipe modelRecipe(int steps) {
    return new TrainingRecipe(
        steps,
        batchSize,
        gradientAccumulation,
        learningRate,
        Math.min(warmupSteps, steps),
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        replayFraction,
        seed,
        threads);
  }

  /** The recipe as a candidate records it: every hyperparameter, the seed, the LoRA shape. */
  public dev.perennial.schemas.v1.TrainingRecipe record(
      TrainingRecipe model, LoraConfig lora, Map<String, String> more) {
    Map<String, String> extras = new TreeMap<>(more);
    extras.put("steps", Integer.toString(model.steps()));
    extras.put("gradientAccumulation", Integer.toString(model.gradientAccumulation()));
    extras.put("minLearningRateRatio", Double.toString(model.minLearningRateRatio()));
    extras.put("threads", Integer.toString(model.threads()));
    extras.put("adamBeta1", Double.toString(TrainingRecipe.BETA1));
    extras.put("adamBeta2", Double.toString(TrainingRecipe.BETA2));
    extras.put("adamEpsilon", Double.toString(TrainingRecipe.EPSILON));
    extras.put("replayTenantShare", Double.toString(replayTenantShare));
    extras.put("replayPoolSize", Integer.toString(replayPoolSize));
    List<String> modules =
        lora.targetModules().stream().map(TargetModule::moduleName).sorted().toList();
    return dev.perennial.schemas.v1.TrainingRecipe.newBuilder()
        .setSeed(model.seed())
        .setEpochs(epochs)
        .setMaxSteps(maxSteps)
        .setBatchSize(model.batchSize())
        .setMaxSequenceLength(model.maxSequenceLength())
        .setOptimizer(OPTIMIZER)
        .setLearningRate(model.learningRate())
        .setLearningRateSchedule(SCHEDULE)
        .setWarmupSteps(model.warmupSteps())
        .setWeightDecay(model.weightDecay())
        .setMaxGradNorm(model.maxGradNorm())
        .setLoraRank(lora.rank())
        .setLoraAlpha(lora.alpha())
        .setLoraDropout(lora.dropout())
        .setTargetModules(modules)
        .setReplayRatio(model.replayFraction())
        .setExtras(extras)
        .build();
  }
}
