package dev.perennial.trainer.worker;

import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.train.EarlyStopping;
import dev.perennial.model.train.FeedbackObjectives;
import dev.perennial.model.train.PairLoss;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.rater.RaterGuard;
import dev.perennial.trainer.rater.RaterGuardSettings;
import dev.perennial.trainer.search.RecipePoint;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configured recipe, turned into each job's model recipe: the step budget follows from the
 * job's size ({@code epochs x ceil(examples / new examples per step)}, at most {@link #maxSteps}),
 * and the job stops before it once the loss on its validation examples stops falling ({@link
 * ValidationSplit}, {@link #earlyStopping}).
 *
 * @param model the model layer's recipe at the step cap: its steps are {@link #maxSteps}, its
 *     warm-up at most that
 * @param epochs passes over a job's training examples
 * @param replayTenantShare share of the replay pool from the adapter key's earlier shards
 * @param replayPoolSize replay examples sampled per job
 * @param freshLora the shape of a fresh adapter
 * @param tenantLearningRates tenants with their own peak learning rate
 * @param validationFraction share of a job's training examples set aside for early stopping
 * @param patience epochs without improvement of the validation loss before a job stops
 * @param minImprovement least relative fall of the validation loss that counts as improvement
 * @param mixedObjectives how feedback examples are trained and each kind's loss weighted in jobs of
 *     the {@link FeedbackProfile#MIXED} profile
 * @param feedbackOnlyObjectives the same in jobs of the {@link FeedbackProfile#FEEDBACK_ONLY}
 *     profile (beta, RPO weight and replay KL anchor of {@code recipe.feedback.only.*})
 * @param profile which of the two this recipe trains with ({@link #forJob})
 * @param feedbackAsSft train feedback examples by the language-model loss on their good answer
 *     instead of by {@code objectives} (the baseline the objectives are measured against)
 * @param raterGuard which subjects' feedback is set aside before the job trains ({@link
 *     RaterGuard})
 */
public record JobRecipe(
    TrainingRecipe model,
    int epochs,
    double replayTenantShare,
    int replayPoolSize,
    LoraConfig freshLora,
    Map<String, Double> tenantLearningRates,
    double validationFraction,
    int patience,
    double minImprovement,
    FeedbackObjectives mixedObjectives,
    FeedbackObjectives feedbackOnlyObjectives,
    FeedbackProfile profile,
    boolean feedbackAsSft,
    RaterGuardSettings raterGuard) {

  public JobRecipe {
    tenantLearningRates = Map.copyOf(tenantLearningRates);
  }

  public static final String OPTIMIZER = "adamw";
  public static final String SCHEDULE = "linear-warmup-cosine";

  public static JobRecipe from(TrainerConfig config) {
    int maxSteps = config.getInt(TrainerConfig.RECIPE_MAX_STEPS_CONFIG);
    return new JobRecipe(
        new TrainingRecipe(
            maxSteps,
            config.getInt(TrainerConfig.RECIPE_BATCH_SIZE_CONFIG),
            config.getInt(TrainerConfig.RECIPE_GRADIENT_ACCUMULATION_CONFIG),
            config.getDouble(TrainerConfig.RECIPE_LEARNING_RATE_CONFIG),
            Math.min(config.getInt(TrainerConfig.RECIPE_WARMUP_STEPS_CONFIG), maxSteps),
            config.getDouble(TrainerConfig.RECIPE_MIN_LEARNING_RATE_RATIO_CONFIG),
            config.getDouble(TrainerConfig.RECIPE_WEIGHT_DECAY_CONFIG),
            config.getDouble(TrainerConfig.RECIPE_MAX_GRAD_NORM_CONFIG),
            config.getInt(TrainerConfig.RECIPE_MAX_SEQUENCE_LENGTH_CONFIG),
            config.getDouble(TrainerConfig.REPLAY_FRACTION_CONFIG),
            config.getLong(TrainerConfig.RECIPE_SEED_CONFIG),
            config.getInt(TrainerConfig.RECIPE_THREADS_CONFIG),
            config.getBoolean(TrainerConfig.RECIPE_CHECKPOINT_LAYERS_CONFIG)),
        config.getInt(TrainerConfig.RECIPE_EPOCHS_CONFIG),
        config.getDouble(TrainerConfig.REPLAY_TENANT_SHARE_CONFIG),
        config.getInt(TrainerConfig.REPLAY_POOL_SIZE_CONFIG),
        new LoraConfig(
            config.getInt(TrainerConfig.LORA_RANK_CONFIG),
            config.getDouble(TrainerConfig.LORA_ALPHA_CONFIG),
            config.getDouble(TrainerConfig.LORA_DROPOUT_CONFIG),
            TargetModule.parseList(
                String.join(",", config.getList(TrainerConfig.LORA_TARGET_MODULES_CONFIG)))),
        config.tenantLearningRates(),
        config.getDouble(TrainerConfig.RECIPE_VALIDATION_FRACTION_CONFIG),
        config.getInt(TrainerConfig.RECIPE_EARLY_STOPPING_PATIENCE_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_EARLY_STOPPING_MIN_IMPROVEMENT_CONFIG),
        objectives(
            config,
            TrainerConfig.RECIPE_PREFERENCE_BETA_CONFIG,
            TrainerConfig.RECIPE_PREFERENCE_SFT_WEIGHT_CONFIG,
            TrainerConfig.RECIPE_REPLAY_KL_WEIGHT_CONFIG),
        objectives(
            config,
            TrainerConfig.RECIPE_FEEDBACK_ONLY_BETA_CONFIG,
            TrainerConfig.RECIPE_FEEDBACK_ONLY_SFT_WEIGHT_CONFIG,
            TrainerConfig.RECIPE_FEEDBACK_ONLY_REPLAY_KL_WEIGHT_CONFIG),
        FeedbackProfile.MIXED,
        config.getString(TrainerConfig.RECIPE_FEEDBACK_OBJECTIVE_CONFIG).equalsIgnoreCase("sft"),
        RaterGuardSettings.from(config));
  }

  /**
   * The recipe a candidate recorded ({@link #record}) back, as the job was trained with it: its
   * learning rate is the job's (a tenant's own included), so no tenant has a rate of its own. The
   * feedback objectives' settings are recorded only by jobs with feedback; the others train none,
   * so they take the defaults. Both profiles are the recorded settings, so that {@link #forJob} on
   * the same job keeps them; the profile is the recorded one ({@code mixed} before it was
   * recorded).
   *
   * @throws IllegalArgumentException when the record lacks a setting (written before it was
   *     recorded), naming it
   */
  public static JobRecipe fromRecord(dev.perennial.schemas.v1.TrainingRecipe recorded) {
    RecordedExtras extras = new RecordedExtras(recorded.getExtras());
    boolean feedbackAsSft = "sft".equals(recorded.getExtras().get("feedbackObjective"));
    FeedbackObjectives objectives =
        feedbackAsSft || !recorded.getExtras().containsKey("preferenceLoss")
            ? FeedbackObjectives.defaults()
            : new FeedbackObjectives(
                PairLoss.parse(extras.text("preferenceLoss")),
                extras.number("preferenceBeta"),
                extras.number("preferenceLabelSmoothing"),
                extras.number("ktoBeta"),
                extras.number("ktoDesirableWeight"),
                extras.number("ktoUndesirableWeight"),
                extras.number("preferenceSftWeight"),
                extras.number("correctionSftWeight"),
                extras.number("weightLm"),
                extras.number("weightPreference"),
                extras.number("weightRating"),
                extras.number("weightCorrection"),
                extras.numberOr("replayKlWeight", 0),
                extras.numberOr("preferenceDropShare", 0));
    if (recorded.getMaxSteps() == null) {
      throw new IllegalArgumentException("the recorded recipe has no maxSteps");
    }
    return new JobRecipe(
        new TrainingRecipe(
            recorded.getMaxSteps(),
            recorded.getBatchSize(),
            extras.integer("gradientAccumulation"),
            recorded.getLearningRate(),
            recorded.getWarmupSteps(),
            extras.number("minLearningRateRatio"),
            recorded.getWeightDecay(),
            recorded.getMaxGradNorm(),
            recorded.getMaxSequenceLength(),
            recorded.getReplayRatio(),
            recorded.getSeed(),
            extras.integer("threads"),
            // recorded since checkpointing shaped weights unrecorded; older records read as off
            Boolean.parseBoolean(recorded.getExtras().getOrDefault("checkpointLayers", "false"))),
        recorded.getEpochs(),
        extras.number("replayTenantShare"),
        extras.integer("replayPoolSize"),
        new LoraConfig(
            recorded.getLoraRank(),
            recorded.getLoraAlpha(),
            recorded.getLoraDropout(),
            TargetModule.parseList(String.join(",", recorded.getTargetModules()))),
        Map.of(),
        extras.number("validationFraction"),
        extras.integer("earlyStoppingPatienceEpochs"),
        extras.number("earlyStoppingMinImprovement"),
        objectives,
        objectives,
        recorded.getExtras().containsKey("feedbackProfile")
            ? FeedbackProfile.parse(extras.text("feedbackProfile"))
            : FeedbackProfile.MIXED,
        feedbackAsSft,
        RaterGuardSettings.off());
  }

  /** A recorded recipe's extras, each one required. */
  private record RecordedExtras(Map<String, String> values) {

    String text(String name) {
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("the recorded recipe has no " + name);
      }
      return value;
    }

    int integer(String name) {
      return Integer.parseInt(text(name));
    }

    double number(String name) {
      return Double.parseDouble(text(name));
    }

    /** A setting recorded only since it existed: a record without it trained without it. */
    double numberOr(String name, double absent) {
      String value = values.get(name);
      return value == null ? absent : Double.parseDouble(value);
    }
  }

  /** The configured objectives with the beta, RPO weight and replay KL anchor of these keys. */
  private static FeedbackObjectives objectives(
      TrainerConfig config,
      String betaKey,
      String preferenceSftWeightKey,
      String replayKlWeightKey) {
    return new FeedbackObjectives(
        PairLoss.parse(config.getString(TrainerConfig.RECIPE_PREFERENCE_LOSS_CONFIG)),
        config.getDouble(betaKey),
        config.getDouble(TrainerConfig.RECIPE_PREFERENCE_LABEL_SMOOTHING_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_KTO_BETA_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_KTO_DESIRABLE_WEIGHT_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_KTO_UNDESIRABLE_WEIGHT_CONFIG),
        config.getDouble(preferenceSftWeightKey),
        config.getDouble(TrainerConfig.RECIPE_CORRECTION_SFT_WEIGHT_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_WEIGHT_LANGUAGE_MODEL_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_WEIGHT_PREFERENCE_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_WEIGHT_RATING_CONFIG),
        config.getDouble(TrainerConfig.RECIPE_WEIGHT_CORRECTION_CONFIG),
        config.getDouble(replayKlWeightKey),
        config.getDouble(TrainerConfig.RECIPE_PREFERENCE_DROP_SHARE_CONFIG));
  }

  /** The objectives this recipe trains feedback with: those of its {@link #profile}. */
  public FeedbackObjectives objectives() {
    return profile == FeedbackProfile.FEEDBACK_ONLY ? feedbackOnlyObjectives : mixedObjectives;
  }

  /**
   * This recipe for a job of {@code languageModelExamples} TEXT and SFT examples and {@code
   * feedbackExamples} trained by their objectives: the profile {@link FeedbackProfile#of} gives.
   */
  public JobRecipe forJob(int languageModelExamples, int feedbackExamples) {
    FeedbackProfile of = FeedbackProfile.of(languageModelExamples, feedbackExamples);
    return with(model, freshLora, mixedObjectives, feedbackOnlyObjectives, of);
  }

  /** At most this many optimizer steps per job. */
  public int maxSteps() {
    return model.steps();
  }

  /** The recipe of {@code tenant}'s jobs: its own learning rate, if configured. */
  public JobRecipe forTenant(String tenant) {
    Double rate = tenantLearningRates.get(tenant);
    return rate == null ? this : with(model.withLearningRate(rate));
  }

  /** Where this recipe lies in the search's space: factors 1, its replay share and fresh rank. */
  public RecipePoint point() {
    return RecipePoint.configured(model.replayFraction(), freshLora.rank());
  }

  /**
   * This recipe moved to {@code point}: the learning rate and the feedback kinds' weights
   * (preference, rating, correction) times its factors, its replay share, and a fresh adapter of
   * its rank (alpha scaled with the rank, so that alpha/r stays). The language-model rows keep
   * their weight.
   */
  public JobRecipe at(RecipePoint point) {
    double w = point.feedbackWeightFactor();
    LoraConfig lora =
        new LoraConfig(
            point.loraRank(),
            freshLora.alpha() * point.loraRank() / freshLora.rank(),
            freshLora.dropout(),
            freshLora.targetModules());
    return with(
        model
            .withLearningRate(model.learningRate() * point.learningRateFactor())
            .withReplayFraction(point.replayFraction()),
        lora,
        weighted(mixedObjectives, w),
        weighted(feedbackOnlyObjectives, w),
        profile);
  }

  /** {@code o} with the feedback kinds' weights times {@code w}. */
  private static FeedbackObjectives weighted(FeedbackObjectives o, double w) {
    return new FeedbackObjectives(
        o.pairLoss(),
        o.beta(),
        o.labelSmoothing(),
        o.ktoBeta(),
        o.ktoDesirableWeight(),
        o.ktoUndesirableWeight(),
        o.preferenceSftWeight(),
        o.correctionSftWeight(),
        o.languageModelWeight(),
        o.preferenceWeight() * w,
        o.ratingWeight() * w,
        o.correctionWeight() * w,
        o.replayKlWeight(),
        o.preferenceDropShare());
  }

  /** The same recipe with another step cap (a benchmark's warm-up). */
  public JobRecipe withMaxSteps(int steps) {
    return with(model.withSteps(steps));
  }

  private JobRecipe with(TrainingRecipe newModel) {
    return with(newModel, freshLora, mixedObjectives, feedbackOnlyObjectives, profile);
  }

  /** This recipe with the parts a job, a tenant or a search point may change. */
  private JobRecipe with(
      TrainingRecipe newModel,
      LoraConfig lora,
      FeedbackObjectives mixed,
      FeedbackObjectives feedbackOnly,
      FeedbackProfile newProfile) {
    return new JobRecipe(
        newModel,
        epochs,
        replayTenantShare,
        replayPoolSize,
        lora,
        tenantLearningRates,
        validationFraction,
        patience,
        minImprovement,
        mixed,
        feedbackOnly,
        newProfile,
        feedbackAsSft,
        raterGuard);
  }

  /**
   * The same recipe with {@code settings} for the rater guard (a reproduction sets what the
   * candidate recorded: {@link #fromRecord} leaves it off).
   */
  public JobRecipe withRaterGuard(RaterGuardSettings settings) {
    return new JobRecipe(
        model,
        epochs,
        replayTenantShare,
        replayPoolSize,
        freshLora,
        tenantLearningRates,
        validationFraction,
        patience,
        minImprovement,
        mixedObjectives,
        feedbackOnlyObjectives,
        profile,
        feedbackAsSft,
        settings);
  }

  /** Replay rows per micro-batch, as the model's sampler draws them. */
  public int replayRows(int replayAvailable) {
    return model.replayRows(replayAvailable);
  }

  /** Optimizer steps for a job of {@code examples} training examples. */
  public int steps(int examples, int replayAvailable) {
    long wanted = (long) epochs * stepsPerEpoch(examples, replayAvailable);
    return (int) Math.max(1, Math.min(maxSteps(), wanted));
  }

  /** Optimizer steps in which the job's {@code examples} each come once. */
  public int stepsPerEpoch(int examples, int replayAvailable) {
    int newPerStep =
        (model.batchSize() - replayRows(replayAvailable)) * model.gradientAccumulation();
    return Math.max(1, (examples + newPerStep - 1) / newPerStep);
  }

  /**
   * When a job of {@code examples} training examples stops early: its validation loss measured
   * after every epoch, stopping after {@link #patience} epochs without improvement.
   */
  public EarlyStopping earlyStopping(int examples, int replayAvailable) {
    return new EarlyStopping(stepsPerEpoch(examples, replayAvailable), patience, minImprovement);
  }

  /**
   * The share of a job's {@code examples} to set aside for early stopping: {@link
   * #validationFraction}, or 0 when the step budget ends before the job could stop early ({@link
   * #patience} epochs without improvement and one to wind down), so that capped jobs train on all
   * their examples.
   */
  public double validationFraction(int examples, int replayAvailable) {
    long earliestStop = (long) (patience + 1) * stepsPerEpoch(examples, replayAvailable);
    return steps(examples, replayAvailable) > earliestStop ? validationFraction : 0;
  }

  /** The feedback objectives' settings, as a candidate of a job with feedback records them. */
  public Map<String, String> objectiveExtras() {
    Map<String, String> extras = new TreeMap<>();
    if (feedbackAsSft) {
      extras.put("feedbackObjective", "sft");
      return extras;
    }
    FeedbackObjectives objectives = objectives();
    extras.put("feedbackProfile", profile.label());
    extras.put("preferenceLoss", objectives.pairLoss().name().toLowerCase(Locale.ROOT));
    extras.put("preferenceBeta", Double.toString(objectives.beta()));
    extras.put("preferenceLabelSmoothing", Double.toString(objectives.labelSmoothing()));
    extras.put("ktoBeta", Double.toString(objectives.ktoBeta()));
    extras.put("ktoDesirableWeight", Double.toString(objectives.ktoDesirableWeight()));
    extras.put("ktoUndesirableWeight", Double.toString(objectives.ktoUndesirableWeight()));
    extras.put("preferenceSftWeight", Double.toString(objectives.preferenceSftWeight()));
    extras.put("correctionSftWeight", Double.toString(objectives.correctionSftWeight()));
    extras.put("weightLm", Double.toString(objectives.languageModelWeight()));
    extras.put("weightPreference", Double.toString(objectives.preferenceWeight()));
    extras.put("weightRating", Double.toString(objectives.ratingWeight()));
    extras.put("weightCorrection", Double.toString(objectives.correctionWeight()));
    extras.put("replayKlWeight", Double.toString(objectives.replayKlWeight()));
    extras.put("preferenceDropShare", Double.toString(objectives.preferenceDropShare()));
    return extras;
  }

  /** The model layer's recipe for a job of {@code steps} steps (at most {@link #maxSteps}). */
  public TrainingRecipe modelRecipe(int steps) {
    return model.withSteps(steps);
  }

  /**
   * The recipe as a candidate records it: every hyperparameter of {@code trained} (the job's model
   * recipe), the seed, the LoRA shape.
   */
  public dev.perennial.schemas.v1.TrainingRecipe record(
      TrainingRecipe trained, LoraConfig lora, Map<String, String> more) {
    Map<String, String> extras = new TreeMap<>(more);
    extras.put("steps", Integer.toString(trained.steps()));
    extras.put("gradientAccumulation", Integer.toString(trained.gradientAccumulation()));
    extras.put("minLearningRateRatio", Double.toString(trained.minLearningRateRatio()));
    extras.put("threads", Integer.toString(trained.threads()));
    extras.put("checkpointLayers", Boolean.toString(trained.checkpointLayers()));
    extras.put("adamBeta1", Double.toString(TrainingRecipe.BETA1));
    extras.put("adamBeta2", Double.toString(TrainingRecipe.BETA2));
    extras.put("adamEpsilon", Double.toString(TrainingRecipe.EPSILON));
    extras.put("replayTenantShare", Double.toString(replayTenantShare));
    extras.put("replayPoolSize", Integer.toString(replayPoolSize));
    extras.put("validationFraction", Double.toString(validationFraction));
    extras.put("earlyStoppingPatienceEpochs", Integer.toString(patience));
    extras.put("earlyStoppingMinImprovement", Double.toString(minImprovement));
    List<String> modules =
        lora.targetModules().stream().map(TargetModule::moduleName).sorted().toList();
    return dev.perennial.schemas.v1.TrainingRecipe.newBuilder()
        .setSeed(trained.seed())
        .setEpochs(epochs)
        .setMaxSteps(maxSteps())
        .setBatchSize(trained.batchSize())
        .setMaxSequenceLength(trained.maxSequenceLength())
        .setOptimizer(OPTIMIZER)
        .setLearningRate(trained.learningRate())
        .setLearningRateSchedule(SCHEDULE)
        .setWarmupSteps(trained.warmupSteps())
        .setWeightDecay(trained.weightDecay())
        .setMaxGradNorm(trained.maxGradNorm())
        .setLoraRank(lora.rank())
        .setLoraAlpha(lora.alpha())
        .setLoraDropout(lora.dropout())
        .setTargetModules(modules)
        .setReplayRatio(trained.replayFraction())
        .setExtras(extras)
        .build();
  }
}
