package dev.perennial.trainer.worker;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.InvalidFolderIndexException;
import dev.perennial.model.ModelException;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.plasticity.AdapterRefresh;
import dev.perennial.model.plasticity.AdapterSpectrum;
import dev.perennial.model.rebase.Compatibility;
import dev.perennial.model.rebase.Rebasing;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.Generator;
import dev.perennial.model.train.FeedbackExample;
import dev.perennial.model.train.LoraTrainer;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.StepMetrics;
import dev.perennial.model.train.StoppingRule;
import dev.perennial.model.train.TrainingDivergedException;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.train.TrainingResult;
import dev.perennial.model.train.ValidationPoint;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.Plasticity;
import dev.perennial.schemas.v1.RebaseDetails;
import dev.perennial.schemas.v1.RecipeSearch;
import dev.perennial.schemas.v1.ReferenceKind;
import dev.perennial.schemas.v1.SearchedRecipe;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.v1.TrainingMetrics;
import dev.perennial.schemas.v1.TrainingReference;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.erasure.AdapterOrigin;
import dev.perennial.trainer.lineage.DataDigest;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.lineage.TrainerVersion;
import dev.perennial.trainer.plasticity.GainProbe;
import dev.perennial.trainer.plasticity.PlasticityRecords;
import dev.perennial.trainer.plasticity.PlasticitySettings;
import dev.perennial.trainer.rater.RaterGuard;
import dev.perennial.trainer.search.Dimension;
import dev.perennial.trainer.search.RecipePoint;
import dev.perennial.trainer.search.ReplayHoldOut;
import dev.perennial.trainer.search.SearchSettings;
import dev.perennial.trainer.search.WarmStart;
import dev.perennial.trainer.shard.ExampleContent;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardAccessException;
import dev.perennial.trainer.shard.ShardReader;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.SourcedExample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one job into a candidate: reads the job's training shards and replay shards (each checked
 * to belong to the job's tenant and adapter key and to be a training shard: a job that names a
 * held-out shard to train on or replay is refused, held-out shards are never trained on), draws the
 * replay pool, starts from the key's stable release (or a fresh adapter for a first job and for
 * every ERASURE job), trains, stores the adapter's files and describes the result as an {@link
 * AdapterCandidate} with its full lineage.
 */
public final class JobTrainer {

  private static final Logger log = LoggerFactory.getLogger(JobTrainer.class);
  private static final int LOSS_CURVE_POINTS = 200;

  /** The recipe extra saying why a job of an enabled search did not search. */
  static final String SEARCH_NOT_RUN = "searchNotRun";

  /** The recipe extra recording the share of examples a job set aside for early stopping. */
  public static final String APPLIED_VALIDATION_FRACTION = "appliedValidationFraction";

  private final BaseModelSource base;
  private final BaseCatalog bases;
  private final JobRecipe recipe;
  private final ArtifactStore store;
  private final Path storeRoot;
  private final Path workDir;
  private final DeviceChoice device;
  private final PlasticitySettings plasticity;
  private final SearchSettings search;
  private final TokenizerCheck tokenizers;

  /** A trainer with the plasticity monitor's default settings. */
  public JobTrainer(
      BaseModelSource base,
      JobRecipe recipe,
      ArtifactStore store,
      Path storeRoot,
      Path workDir,
      DeviceChoice device) {
    this(base, recipe, store, storeRoot, workDir, device, PlasticitySettings.defaults());
  }

  public JobTrainer(
      BaseModelSource base,
      JobRecipe recipe,
      ArtifactStore store,
      Path storeRoot,
      Path workDir,
      DeviceChoice device,
      PlasticitySettings plasticity) {
    this(base, recipe, store, storeRoot, workDir, device, plasticity, SearchSettings.off());
  }

  public JobTrainer(
      BaseModelSource base,
      JobRecipe recipe,
      ArtifactStore store,
      Path storeRoot,
      Path workDir,
      DeviceChoice device,
      PlasticitySettings plasticity,
      SearchSettings search) {
    this(base, recipe, store, storeRoot, workDir, device, plasticity, search, Set.of());
  }

  /**
   * As above; {@code replacedTokenizers} are the tokenizer digests the base's current files replace
   * on purpose (a stable release trained with one is continued, see {@link TokenizerCheck}).
   */
  public JobTrainer(
      BaseModelSource base,
      JobRecipe recipe,
      ArtifactStore store,
      Path storeRoot,
      Path workDir,
      DeviceChoice device,
      PlasticitySettings plasticity,
      SearchSettings search,
      Set<String> replacedTokenizers) {
    this.base = base;
    this.bases = new BaseCatalog(base);
    this.recipe = recipe;
    this.store = store;
    this.storeRoot = storeRoot;
    this.workDir = workDir;
    this.device = device;
    this.plasticity = plasticity;
    this.search = search;
    this.tokenizers = new TokenizerCheck(replacedTokenizers);
  }

  /**
   * A trainer as {@code config} describes it (base model, recipe, store root, work folder) that
   * stores through {@code store} and trains on {@code device}. Its jobs' folders are in a folder of
   * the worker's id in the work folder, which this deletes first: a worker killed mid-job left its
   * job's folder there (weights trained on the key's data). Another worker sharing the work folder
   * has a folder of its own; a running worker of the same id is fenced by this one.
   *
   * @throws dev.perennial.model.ModelException when the engine cannot give {@code device} (a GPU it
   *     does not see): a worker fails at start rather than fail every job it takes
   */
  public static JobTrainer from(TrainerConfig config, ArtifactStore store, DeviceChoice device) {
    ModelRuntime.device(device);
    return new JobTrainer(
        BaseModelSource.open(config),
        JobRecipe.from(config),
        store,
        config.artifactStorePath(),
        workerFolder(config),
        device,
        PlasticitySettings.from(config),
        SearchSettings.from(config),
        config.baseTokenizerReplaces());
  }

  /** The work folder's folder of this worker's id, emptied. */
  private static Path workerFolder(TrainerConfig config) {
    Path folder = config.workerWorkDir().resolve(Folders.safeName(config.workerId()));
    Folders.deleteRecursively(folder);
    return folder;
  }

  public BaseModel base() {
    return base.base();
  }

  /** The bytes the smallest candidate this trainer could write takes ({@link CandidateFloor}). */
  long candidateFloor() {
    return CandidateFloor.bytes(recipe, base.base(), base.recordedInputs());
  }

  /**
   * Trains {@code job}, continuing {@code stable} unless the job is an ERASURE retraining.
   *
   * @throws JobSkippedException when the job can never yield a candidate
   */
  public TrainedJob train(TrainingJob job, Optional<StableRelease> stable, StepListener listener) {
    return train(job, stable, Optional.empty(), listener);
  }

  /**
   * Trains {@code job}, continuing {@code stable} unless the job is an ERASURE retraining;
   * refreshes the stable adapter first when the monitor recorded in {@code stableLineage} (that
   * release's lineage) found it due.
   *
   * @throws JobSkippedException when the job can never yield a candidate
   */
  public TrainedJob train(
      TrainingJob job,
      Optional<StableRelease> stable,
      Optional<Lineage> stableLineage,
      StepListener listener) {
    return train(job, stable, stableLineage, List.of(), listener);
  }

  /**
   * Trains {@code job} as above; with recipe search on, a key whose stable release recorded no
   * searched recipe starts its search from the most common of {@code priors} (other keys' searched
   * recipes, most recent first; see {@link WarmStart}).
   *
   * @throws JobSkippedException when the job can never yield a candidate
   */
  public TrainedJob train(
      TrainingJob job,
      Optional<StableRelease> stable,
      Optional<Lineage> stableLineage,
      List<SearchedRecipe> priors,
      StepListener listener) {
    return train(
        job, stable, stableLineage, priors, OptionalInt.empty(), OptionalDouble.empty(), listener);
  }

  /**
   * Trains {@code job} again as its candidate recorded it (a rebuild): with this trainer's recipe
   * (the recorded one; for a job that searched, the winner's) for the {@code searchedSteps} a
   * search left the winner, if it searched, and no trials, which shaped no weights of the
   * candidate; with the share of examples the job set aside for early stopping, if recorded (the
   * job decided it under the configured recipe, which may not be the recorded one).
   *
   * @throws JobSkippedException when the job can never yield a candidate
   */
  public TrainedJob rebuild(
      TrainingJob job,
      Optional<StableRelease> stable,
      Optional<Lineage> stableLineage,
      OptionalInt searchedSteps,
      OptionalDouble validationFraction,
      StepListener listener) {
    return train(
        job, stable, stableLineage, List.of(), searchedSteps, validationFraction, listener);
  }

  /**
   * Trains {@code job} in its folder of the work folder, and deletes the folder however the job
   * ends (a candidate, a failure, a skip, a stop): it holds weights trained on the key's data (the
   * release continued or re-based from, the adapter, the control, the search's trials).
   */
  private TrainedJob train(
      TrainingJob job,
      Optional<StableRelease> stable,
      Optional<Lineage> stableLineage,
      List<SearchedRecipe> priors,
      OptionalInt searchedSteps,
      OptionalDouble rebuiltValidationFraction,
      StepListener listener) {
    Path folder = jobFolder(job.getJobId());
    TrainedJob trained;
    try {
      trained =
          trainIn(
              folder,
              job,
              stable,
              stableLineage,
              priors,
              searchedSteps,
              rebuiltValidationFraction,
              listener);
    } catch (RuntimeException | Error e) {
      try {
        Folders.deleteRecursively(folder);
      } catch (RuntimeException notDeleted) {
        e.addSuppressed(notDeleted);
      }
      throw e;
    }
    Folders.deleteRecursively(folder);
    return trained;
  }

  private TrainedJob trainIn(
      Path folder,
      TrainingJob job,
      Optional<StableRelease> stable,
      Optional<Lineage> stableLineage,
      List<SearchedRecipe> priors,
      OptionalInt searchedSteps,
      OptionalDouble rebuiltValidationFraction,
      StepListener listener) {
    long started = System.nanoTime();
    JobRecipe recipe = this.recipe.forTenant(job.getTenant());
    if (!AdapterKey.tenantOf(job.getAdapterKey()).equals(Optional.of(job.getTenant()))) {
      throw new JobSkippedException(
          JobSkippedException.Reason.REFUSED,
          "Job "
              + job.getJobId()
              + " is for "
              + job.getAdapterKey()
              + ", not a key of tenant "
              + job.getTenant(),
          null);
    }
    List<Digest> read = new ArrayList<>();
    List<SourcedExample> training = readShards(job, "training", job.getShards(), read);
    if (training.isEmpty()) {
      throw new JobSkippedException(
          JobSkippedException.Reason.NOTHING_TO_TRAIN,
          "Job " + job.getJobId() + " has no training examples left",
          null);
    }
    // A gone replay shard means the same: an erasure rewrote it after the job was sealed, marked
    // the job as holding erased data and sent an ERASURE job over the key's current shards (this
    // job's own among them). Training without it would only make a candidate lineage.current
    // refuses.
    List<SourcedExample> earlier = readShards(job, "replay", job.getReplayShards(), read);
    // Consistently wrong subjects' feedback is set aside before anything trains, replayed
    // feedback included: replay trains a pair's chosen answer as a language-model row.
    RaterGuard raterGuard = new RaterGuard(recipe.raterGuard());
    RaterGuard.Outcome guarded = raterGuard.apply(training, earlier);
    if (guarded.examplesSetAside() > 0 || guarded.examplesOutvoted() > 0) {
      log.info(
          "Rater guard of {}: {} of {} compared subjects disagree with the others; {} of their"
              + " feedback examples set aside, {} more outvoted on their items",
          job.getJobId(),
          guarded.setAside().size(),
          guarded.subjectsCompared(),
          guarded.examplesSetAside(),
          guarded.examplesOutvoted());
      training = guarded.training();
      earlier = guarded.replay();
      if (training.isEmpty()) {
        throw new JobSkippedException(
            JobSkippedException.Reason.NOTHING_TO_TRAIN,
            "Job " + job.getJobId() + " has no training examples left after the rater guard",
            null);
      }
    }
    // a REBASE job trains for the base it moves the key to, every other job for the worker's own
    BaseModelSource target = job.getTrigger() == JobTrigger.REBASE ? rebaseTarget(job) : this.base;
    // Newest wins: replay leaves out earlier answers that this job's data (or later replay)
    // changes.
    List<TrainingExample> own = toModel(training);
    List<TrainingExample> earlierOwn = NewestWins.filter(toModel(earlier), own);
    List<TrainingExample> newer = new ArrayList<>(earlierOwn);
    newer.addAll(own);
    List<TrainingExample> general =
        NewestWins.filter(
            target.generalReplay().stream().map(TrainingExample::text).toList(), newer);
    // The same job always replays the same examples; different jobs replay different ones.
    long jobSeed =
        recipe.model().seed()
            ^ ByteBuffer.wrap(Digest.of(job.getJobId().getBytes(StandardCharsets.UTF_8)).toBytes())
                .getLong();
    ReplayMix.Pool replay =
        ReplayMix.draw(
            general, earlierOwn, recipe.replayTenantShare(), recipe.replayPoolSize(), jobSeed);
    // Feedback examples train by their objectives; the language-model ones (TEXT, SFT) by their
    // token loss, and only they decide early stopping. A recipe that trains feedback as SFT makes
    // every example a language-model one (its good answer; toModel leaves undesirable ratings out).
    List<FeedbackExample> feedback =
        recipe.feedbackAsSft() ? List.of() : FeedbackExamples.of(training);
    List<SourcedExample> languageModel =
        recipe.feedbackAsSft()
            ? training
            : training.stream().filter(e -> !ExampleContent.isFeedback(e.example())).toList();
    // a job of feedback alone trains by the feedback-only profile, every other by the keys as set
    recipe = recipe.forJob(languageModel.size(), feedback.size());
    // decided under the configured recipe, before any search moves it: recorded for a rebuild
    double validationFraction =
        rebuiltValidationFraction.isPresent()
            ? rebuiltValidationFraction.getAsDouble()
            : recipe.validationFraction(
                languageModel.size() + feedback.size(), replay.examples().size());
    ValidationSplit split = ValidationSplit.of(languageModel, validationFraction);
    List<TrainingExample> examples = toModel(split.training());
    List<TrainingExample> validation = toModel(split.validation());

    Start start =
        switch (job.getTrigger()) {
          case REBASE -> rebaseStart(job, stable, target, examples, folder.resolve("parent"));
          case IMPORT -> importStart(job, folder.resolve("parent"));
          default -> startingPoint(job, stable, folder.resolve("parent"));
        };
    int update = start.parentVersion() == null ? 1 : start.parentVersion() + 1;
    Optional<Plasticity> due =
        start.method() == LineageMethod.CONTINUED && plasticity.refreshes()
            ? stableLineage.flatMap(PlasticityRecords::refreshDue)
            : Optional.empty();
    AdapterRefreshDetails refreshed = null;
    int rank = start.adapter() == null ? 0 : start.adapter().weights().config().rank();
    Optional<AdapterRefresh.Settings> refreshing =
        due.isPresent() ? plasticity.refresh(rank) : Optional.empty();
    if (due.isPresent() && refreshing.isEmpty()) {
      log.info(
          "Not refreshing {} of {} before {}: an adapter of rank {} has no rank to free",
          start.startedFrom(),
          job.getAdapterKey(),
          job.getJobId(),
          rank);
    }
    if (refreshing.isPresent()) {
      AdapterRefresh.Settings settings = refreshing.get();
      AdapterRefresh.Result refresh =
          AdapterRefresh.refresh(start.adapter().weights(), settings, jobSeed);
      refreshed = PlasticityRecords.refresh(settings, refresh, due.get());
      start = start.refreshed(refresh.weights());
      log.info(
          "Refreshing {} of {} before {}: {}; kept at least {} of each module's energy",
          start.startedFrom(),
          job.getAdapterKey(),
          job.getJobId(),
          refreshed.getReason(),
          refresh.minKeptEnergy());
    }
    List<TrainingExample> trained = new ArrayList<>(examples);
    trained.addAll(start.taught());
    int newExamples = trained.size() + feedback.size();
    int replayAvailable = replay.examples().size();
    PeftAdapter from = start.adapter();
    Function<List<TrainingExample>, JobSearch.Requests> replaying =
        replayed ->
            (recipeOf, stepsOf, into) ->
                LoraTrainingRequest.startingFrom(
                        from,
                        recipeOf.freshLora(),
                        target.base(),
                        trained,
                        replayed,
                        recipeOf.modelRecipe(stepsOf),
                        into)
                    .on(device)
                    .withFeedback(feedback, recipeOf.objectives());
    JobSearch.Requests requests = replaying.apply(replay.examples());
    // one count of steps over the job's trainings: the trials, the candidate, its control
    JobSteps jobSteps = new JobSteps(listener);
    // a control needs examples to measure its gain on (the gain probe's: at least one of them)
    boolean controlDue =
        !examples.isEmpty()
            && plasticity.controlDue(update, start.method() == LineageMethod.CONTINUED);
    IntUnaryOperator afterCandidate = candidateSteps -> controlDue ? candidateSteps : 0;
    JobRecipe trainWith = recipe;
    int steps = recipe.steps(newExamples, replayAvailable);
    RecipeSearch searched = null;
    SearchedRecipe searchedRecipe = null;
    String searchNotRun = null;
    if (searchedSteps.isPresent()) {
      steps = searchedSteps.getAsInt();
    } else if (search.enabled()) {
      WarmStart.Centre centre = centre(search, recipe, from, stableLineage, priors);
      // ranked on the validation examples when the job set aside enough, else on its own examples
      // (what the plasticity monitor measures its learning gain on)
      Optional<SearchSettings.RankedOn> rankedOn =
          search.rankedOn(validation.size(), examples.size());
      Set<Dimension> applicable = searchable(start.method(), feedback);
      Optional<Dimension> dimension = rankedOn.flatMap(on -> search.dimension(update, applicable));
      int fullSteps = recipe.steps(newExamples, replayAvailable);
      boolean fits =
          dimension.isEmpty()
              || search.fits(
                  centre.point(), dimension.get(), recipe.model().batchSize(), fullSteps);
      if (dimension.isPresent() && fits) {
        boolean onValidation = rankedOn.get() == SearchSettings.RankedOn.VALIDATION;
        List<TrainingExample> rankOn = onValidation ? validation : examples;
        int most = onValidation ? validation.size() : plasticity.gainExamples();
        // the trials' retention is measured on replay examples they do not train on
        ReplayHoldOut<TrainingExample> heldOut =
            ReplayHoldOut.of(replay.examples(), plasticity.gainExamples());
        JobSearch.Outcome outcome =
            JobSearch.run(
                job.getJobId(),
                search,
                recipe,
                centre,
                dimension.get(),
                r -> r.steps(newExamples, replayAvailable),
                replaying.apply(heldOut.training()),
                from,
                rankedOn.get(),
                GainProbe.of(
                    target.base(),
                    ModelRuntime.device(device),
                    rankOn,
                    most,
                    recipe.model().maxSequenceLength()),
                GainProbe.of(
                    target.base(),
                    ModelRuntime.device(device),
                    heldOut.heldOut(),
                    heldOut.heldOut().size(),
                    recipe.model().maxSequenceLength()),
                folder.resolve("search"),
                jobSteps,
                afterCandidate);
        trainWith = outcome.recipe();
        steps = outcome.steps();
        searched = outcome.record();
        searchedRecipe = JobSearch.record(outcome.point(), WarmStart.Origin.SEARCH);
        log.info(
            "Search of {} from the {} centre along {} chose {} after {} trial steps; {} steps left"
                + " to it",
            job.getJobId(),
            centre.origin().label(),
            dimension.get().label(),
            searched.getWinner(),
            searched.getTrialSteps(),
            steps);
      } else {
        searchNotRun =
            fits
                ? search.whyNot(validation.size(), examples.size(), applicable)
                : "its trials would take more than "
                    + search.budget()
                    + " x its "
                    + fullSteps
                    + " steps";
        log.info(
            "Search of {} did not run: {}; training with the {} centre",
            job.getJobId(),
            searchNotRun,
            centre.origin().label());
        trainWith = recipe.at(centre.point());
        steps = trainWith.steps(newExamples, replayAvailable);
        searchedRecipe = JobSearch.record(centre.point(), centre.origin());
      }
    }
    TrainingRecipe modelRecipe = trainWith.modelRecipe(steps);
    Path output = folder.resolve("adapter");
    LoraTrainingRequest request =
        requests
            .request(trainWith, steps, output)
            .stoppingOn(validation, trainWith.earlyStopping(newExamples, replayAvailable));
    log.info(
        "Training {} for {} ({}): {} examples and {} of feedback ({} more for validation), replay"
            + " {} own + {} general, up to {} steps, {}, {} feedback profile",
        job.getJobId(),
        job.getAdapterKey(),
        job.getTrigger(),
        examples.size(),
        feedback.size(),
        validation.size(),
        replay.fromTenant(),
        replay.fromGeneral(),
        steps,
        start.describe(),
        trainWith.profile().label());
    GainProbe probe =
        GainProbe.of(
            target.base(),
            ModelRuntime.device(device),
            examples,
            plasticity.gainExamples(),
            modelRecipe.maxSequenceLength());
    Double lossBefore = probe.isEmpty() ? null : probe.loss(start.adapter());
    TrainingResult result = LoraTrainer.run(request, jobSteps.next(afterCandidate));
    // the index first, naming the job: weights stored here that no candidate comes to name (the
    // worker killed before its commit, the job given up) are found and deleted by the accumulator
    FolderIndex.StoredFolder stored = FolderIndex.store(store, output, AdapterOrigin.of(job));
    LoraConfig lora =
        start.adapter() == null ? trainWith.freshLora() : start.adapter().weights().config();
    PeftAdapter trainedAdapter = PeftAdapter.read(output);
    Double gain = lossBefore == null ? null : lossBefore - probe.loss(trainedAdapter);
    Double controlGain = null;
    if (controlDue && !result.steps().isEmpty()) {
      controlGain =
          controlGain(
              job.getJobId(),
              device,
              request,
              folder.resolve("control"),
              lora,
              result.stopping(),
              probe,
              jobSteps.next(controlSteps -> 0));
    }
    Plasticity measured =
        PlasticityRecords.of(
            update, gain, controlGain, plasticity, AdapterSpectrum.of(trainedAdapter.weights()));

    Map<String, String> extras = new TreeMap<>();
    extras.put("startedFrom", start.startedFrom());
    if (!tokenizers.declared().isEmpty()) {
      extras.put(StableRelease.RECIPE_TOKENIZER_REPLACES, tokenizers.declared());
    }
    extras.put("method", start.method().name());
    if (!start.taught().isEmpty()) {
      extras.put("teacherExamples", Integer.toString(start.taught().size()));
    }
    extras.put("replayExamplesFromKey", Integer.toString(replay.fromTenant()));
    extras.put("replayExamplesGeneral", Integer.toString(replay.fromGeneral()));
    extras.put("truncatedExamples", Integer.toString(result.truncatedExamples()));
    extras.put("refusedExamples", Integer.toString(result.refusedExamples()));
    extras.put("replayExamplesSuperseded", Integer.toString(superseded(earlier, earlierOwn)));
    extras.put("validationExamples", Integer.toString(validation.size()));
    extras.put(APPLIED_VALIDATION_FRACTION, Double.toString(validationFraction));
    extras.put("plannedSteps", Integer.toString(result.plannedSteps()));
    if (searchNotRun != null) {
      // the search was on: why this job trained the centre instead (lineage.searchedRecipe)
      extras.put(SEARCH_NOT_RUN, searchNotRun);
    }
    // what shaped the weights beside the base digest, so that a rebuild can check its base
    extras.putAll(target.recordedInputs());
    TrainingReference reference = null;
    if (trainWith.feedbackAsSft()) {
      extras.putAll(trainWith.objectiveExtras());
    }
    if (!feedback.isEmpty()) {
      reference = start.reference();
      extras.putAll(trainWith.objectiveExtras());
      for (FeedbackExample.Kind kind : FeedbackExample.Kind.values()) {
        long count = feedback.stream().filter(f -> f.kind() == kind).count();
        extras.put("feedback." + kind.name().toLowerCase(Locale.ROOT), Long.toString(count));
      }
      extras.put("referenceRows", Integer.toString(result.referenceRows()));
      extras.put("reference", start.referenceName());
    }
    if (!result.validation().isEmpty()) {
      List<ValidationPoint> points = result.validation();
      extras.put("validationLossBefore", Double.toString(points.get(0).loss()));
      extras.put("validationLossAfter", Double.toString(points.get(points.size() - 1).loss()));
    }
    AdapterCandidate candidate =
        AdapterCandidate.newBuilder()
            .setCandidateId(JobIds.candidateId(job.getJobId()))
            .setJobId(job.getJobId())
            .setAdapterKey(job.getAdapterKey())
            .setTenant(job.getTenant())
            .setLocation(stored.location())
            .setFileDigests(stored.fileDigests())
            .setBaseModelName(target.base().name())
            .setBaseModelDigest(target.base().digest())
            .setBaseModelLocation(
                job.getTrigger() == JobTrigger.REBASE
                    ? job.getRebase().getToBase().getLocation()
                    : null)
            .setParentVersion(start.parentVersion())
            // the job's lists as they are: JobFit left the candidate's own fields an eighth of the
            // producer's limit beside them
            .setShards(job.getShards())
            .setHeldOutShards(job.getHeldOutShards())
            .setReplayShards(job.getReplayShards())
            .setTrigger(job.getTrigger())
            .setErasure(withoutSubject(job.getErasure()))
            .setAdapterImport(job.getAdapterImport())
            .setHeldOutPool(job.getHeldOutPool())
            .setCarriedJobs(job.getCarriedJobs())
            .setSearch(searched)
            .setRaterGuard(
                recipe.raterGuard().enabled() && guarded.sawFeedback()
                    ? raterGuard.record(guarded)
                    : null)
            .setLineage(lineage(start, read, reference, refreshed, measured, searchedRecipe))
            .setExampleCount(examples.size() + feedback.size())
            .setTokenCount(tokenCount(split.training(), feedback.isEmpty() ? List.of() : training))
            .setRecipe(trainWith.record(modelRecipe, lora, extras))
            .setMetrics(metrics(result))
            .setTrainerVersion(TrainerVersion.get())
            .setDevice(result.device())
            .setTrainingMillis(Math.round(result.seconds() * 1000))
            .setTotalMillis((System.nanoTime() - started) / 1_000_000)
            .setCreatedAt(Instant.now())
            .build();
    return new TrainedJob(candidate, List.copyOf(read));
  }

  /**
   * Where the job's recipe search starts: the key's last searched recipe, else a prior, else the
   * configured recipe, drawn back to within the search's reach of the configured; a continued
   * adapter keeps its rank.
   */
  private static WarmStart.Centre centre(
      SearchSettings search,
      JobRecipe recipe,
      PeftAdapter from,
      Optional<Lineage> stableLineage,
      List<SearchedRecipe> priors) {
    WarmStart.Centre chosen =
        WarmStart.choose(
            recipe.point(),
            stableLineage.flatMap(l -> JobSearch.point(l.getSearchedRecipe())),
            priors.stream().map(JobSearch::point).flatMap(Optional::stream).toList());
    RecipePoint point =
        search.withinReach(chosen.point(), recipe.point(), recipe.model().batchSize());
    if (!point.equals(chosen.point())) {
      log.info(
          "Search centre {} ({}) drawn back to {} (within {} step(s) of the configured recipe"
              + " along {})",
          chosen.point(),
          chosen.origin().label(),
          point,
          search.reach(),
          search.dimensions());
    }
    return new WarmStart.Centre(
        from == null ? point : point.withLoraRank(from.weights().config().rank()), chosen.origin());
  }

  /**
   * The settings a job can search: the rank only for a key's first adapter (a continued one keeps
   * its rank, and a retraining or a re-based adapter the key's), the feedback weights only when it
   * trains feedback by its objectives.
   */
  private static Set<Dimension> searchable(LineageMethod method, List<FeedbackExample> feedback) {
    Set<Dimension> open = EnumSet.of(Dimension.LEARNING_RATE, Dimension.REPLAY);
    if (!feedback.isEmpty()) {
      open.add(Dimension.FEEDBACK_WEIGHT);
    }
    if (method == LineageMethod.FRESH) {
      open.add(Dimension.RANK);
    }
    return open;
  }

  /**
   * The job's erasure details for its candidate, without the subject's pseudonym that jobs written
   * before ERASURE jobs stopped naming the subject still carry (a candidate, and the verdict that
   * copies it, names the request only); null for other jobs.
   */
  private static ErasureDetails withoutSubject(ErasureDetails erasure) {
    if (erasure == null) {
      return null;
    }
    return ErasureDetails.newBuilder()
        .setRequestId(erasure.getRequestId())
        .setAffectedVersions(erasure.getAffectedVersions())
        .build();
  }

  private static long tokenCount(List<SourcedExample> languageModel, List<SourcedExample> all) {
    return languageModel.stream().mapToLong(e -> ExampleContent.tokens(e.example())).sum()
        + all.stream()
            .filter(e -> ExampleContent.isFeedback(e.example()))
            .mapToLong(e -> ExampleContent.tokens(e.example()))
            .sum();
  }

  private static Lineage lineage(
      Start start,
      List<Digest> read,
      TrainingReference reference,
      AdapterRefreshDetails refreshed,
      Plasticity plasticity,
      SearchedRecipe searchedRecipe) {
    return Lineage.newBuilder()
        .setMethod(start.method())
        .setSourceRelease(start.source())
        .setTeacher(start.teacher())
        .setImportedFrom(start.importedFrom())
        .setDataDigest(DataDigest.of(read))
        .setReference(reference)
        .setRefresh(refreshed)
        .setPlasticity(plasticity)
        .setSearchedRecipe(searchedRecipe)
        .build();
  }

  /**
   * The learning gain of the monitor's control: a fresh adapter of the candidate's shape trained on
   * the candidate's examples, replay and feedback by the candidate's recipe, stopping where the
   * candidate stopped: the same steps at the same learning rates; null when the control diverged.
   */
  static Double controlGain(
      String jobId,
      DeviceChoice device,
      LoraTrainingRequest candidate,
      Path output,
      LoraConfig shape,
      StoppingRule candidateStop,
      GainProbe probe,
      StepListener listener) {
    LoraTrainingRequest control =
        LoraTrainingRequest.fresh(
                candidate.base(),
                candidate.examples(),
                candidate.replay(),
                shape,
                candidate.recipe(),
                output)
            .on(device)
            .withFeedback(candidate.feedback(), candidate.objectives())
            .stoppingAs(candidateStop);
    log.info(
        "Training the plasticity control of {}: a fresh adapter, the candidate's steps", jobId);
    try {
      LoraTrainer.run(control, listener);
    } catch (TrainingDivergedException e) {
      // the control is a measurement of the candidate, not the job's product
      Folders.deleteRecursively(output);
      log.warn(
          "The plasticity control of {} diverged: no control gain ({})", jobId, e.getMessage());
      return null;
    }
    double before = probe.loss(null);
    return before - probe.loss(PeftAdapter.read(output));
  }

  private static LineageRelease lineageRelease(
      StableRelease release, BaseModel onBase, String location) {
    return LineageRelease.newBuilder()
        .setVersion(release.version())
        .setLocation(release.location())
        .setManifestDigest(release.manifestDigest())
        .setBaseModelName(onBase.name())
        .setBaseModelDigest(release.baseModelDigest())
        .setBaseModelLocation(location)
        .build();
  }

  /** The base a REBASE job moves the key to, checked against its announcement. */
  private BaseModelSource rebaseTarget(TrainingJob job) {
    if (job.getRebase() == null) {
      throw new JobSkippedException(
          JobSkippedException.Reason.REFUSED,
          "REBASE job " + job.getJobId() + " names no bases",
          null);
    }
    return bases.open(job.getRebase().getToBase());
  }

  /**
   * A REBASE job's start. The key's stable release on the old base (as releases.v1 tells it now, so
   * never a retracted one: a retracted release's alias has fallen back, or is gone and the job is
   * refused) is carried over when the bases are compatible and the job does not ask to distil;
   * otherwise it teaches: the old base with it answers the data's prompts, and a fresh adapter on
   * the new base learns from the data and those answers.
   */
  private Start rebaseStart(
      TrainingJob job,
      Optional<StableRelease> oldStable,
      BaseModelSource target,
      List<TrainingExample> examples,
      Path parentFolder) {
    RebaseDetails details = job.getRebase();
    BaseModelSource from = bases.open(details.getFromBase());
    if (oldStable.isEmpty()) {
      throw new JobSkippedException(
          JobSkippedException.Reason.REFUSED,
          job.getAdapterKey()
              + " has no servable stable release on "
              + details.getFromBase().getName()
              + " any more (v"
              + details.getSourceRelease().getVersion()
              + " was retracted?); nothing to re-base",
          null);
    }
    StableRelease release = oldStable.get();
    if (release.version() != details.getSourceRelease().getVersion()) {
      log.info(
          "REBASE job {} was planned from v{}; the stable release on {} is now v{}, which it uses",
          job.getJobId(),
          details.getSourceRelease().getVersion(),
          details.getFromBase().getName(),
          release.version());
    }
    // the old base's digest covers config and weights, not the tokenizer files the source reads
    tokenizers.checkRebaseSource(job, release, from.base());
    FolderIndex.materialize(store, storeRoot, release.location(), parentFolder);
    PeftAdapter adapter = PeftAdapter.read(parentFolder);
    LineageRelease source =
        lineageRelease(release, from.base(), details.getFromBase().getLocation());
    Compatibility compatibility = Compatibility.between(from.base(), target.base());
    log.info(
        "Re-basing v{} of {} from {} onto {}: {}{}",
        release.version(),
        job.getAdapterKey(),
        from.base().name(),
        target.base().name(),
        compatibility,
        details.getDistil() ? " (distillation asked for)" : "");
    if (compatibility.carryOver() && !details.getDistil()) {
      return new Start(
          Rebasing.carryOver(adapter, from.base(), target.base()),
          null,
          LineageMethod.CARRIED_OVER,
          source,
          null,
          List.of());
    }
    List<TrainingExample> taught;
    // The teacher's answers are training data: generate them at the recipe's thread count, not at
    // whatever the process last set (PyTorch's default in a fresh worker or rebuild), so a near-tie
    // in the logits is broken the same way in the job and in its rebuild.
    ModelRuntime.setThreads(recipe.model().threads());
    try (LanguageModel teacher =
        LanguageModel.loadAdapter(from.base(), ModelRuntime.device(device), adapter, false)) {
      taught =
          Rebasing.teacherExamples(
              teacher,
              examples,
              Generator.Options.shortAnswers(),
              (answered, prompts) ->
                  log.info(
                      "Distilling {}: the teacher answered {}/{} prompts",
                      job.getJobId(),
                      answered,
                      prompts));
    }
    return new Start(null, null, LineageMethod.DISTILLED, null, source, taught);
  }

  /**
   * Where training starts: a fresh adapter, or an adapter to continue (the stable release's, or one
   * carried over from the old base); how ({@code method}); the release it came from or the teacher;
   * and the teacher's answers to learn alongside the data (distillation).
   */
  private record Start(
      PeftAdapter adapter,
      Integer parentVersion,
      LineageMethod method,
      LineageRelease source,
      LineageRelease teacher,
      List<TrainingExample> taught,
      String importedFrom) {

    Start(
        PeftAdapter adapter,
        Integer parentVersion,
        LineageMethod method,
        LineageRelease source,
        LineageRelease teacher,
        List<TrainingExample> taught) {
      this(adapter, parentVersion, method, source, teacher, taught, null);
    }

    static Start fresh(LineageMethod method) {
      return new Start(null, null, method, null, null, List.of());
    }

    static Start imported(PeftAdapter adapter, String source) {
      return new Start(adapter, null, LineageMethod.IMPORTED, null, null, List.of(), source);
    }

    /** The same start from the adapter's refreshed weights. */
    Start refreshed(dev.perennial.model.lora.LoraWeights weights) {
      return new Start(
          new PeftAdapter(
              weights, adapter.baseModelName(), adapter.baseModelDigest(), adapter.origin()),
          parentVersion,
          method,
          source,
          teacher,
          taught,
          importedFrom);
    }

    /** {@code fresh}, {@code v3}, or {@code v3 of perennial-tiny} for a carried-over adapter. */
    String startedFrom() {
      if (adapter == null) {
        return "fresh";
      }
      if (importedFrom != null) {
        return "the import of " + importedFrom;
      }
      return parentVersion != null
          ? "v" + parentVersion
          : "v" + source.getVersion() + " of " + source.getBaseModelName();
    }

    /**
     * The frozen reference of the feedback objectives: the adapter training starts from (the
     * incumbent), or the base alone for a fresh adapter.
     */
    TrainingReference reference() {
      return adapter == null
          ? TrainingReference.newBuilder().setKind(ReferenceKind.BASE).build()
          : TrainingReference.newBuilder()
              .setKind(ReferenceKind.INCUMBENT)
              .setRelease(source)
              .build();
    }

    /** {@code base}, or the incumbent as {@link #startedFrom}. */
    String referenceName() {
      return adapter == null ? "base" : startedFrom();
    }

    String describe() {
      return switch (method) {
        case CARRIED_OVER -> "carried over from " + startedFrom();
        case IMPORTED -> "continuing " + startedFrom();
        case DISTILLED ->
            "fresh adapter taught by v"
                + teacher.getVersion()
                + " of "
                + teacher.getBaseModelName()
                + " ("
                + taught.size()
                + " teacher answers)";
        default -> adapter == null ? "fresh adapter" : "from release " + startedFrom();
      };
    }
  }

  /**
   * An IMPORT job's start: the adapter the operator imported (checked against the base when it was
   * imported), continued on the key's data. An import checked against another base than this
   * worker's is refused: its shapes were checked against that base only.
   */
  private Start importStart(TrainingJob job, Path parentFolder) {
    AdapterImport imported = job.getAdapterImport();
    if (imported == null) {
      throw new JobSkippedException(
          JobSkippedException.Reason.REFUSED,
          "IMPORT job " + job.getJobId() + " names no import",
          null);
    }
    if (!imported.getBaseModelDigest().equals(base.base().digest())) {
      throw new JobSkippedException(
          JobSkippedException.Reason.REFUSED,
          "The adapter imported from "
              + imported.getSource()
              + " for "
              + job.getAdapterKey()
              + " was checked against "
              + imported.getBaseModelName()
              + " ("
              + imported.getBaseModelDigest()
              + "); this worker trains on "
              + base.base().name()
              + " ("
              + base.base().digest()
              + "): import it again against this base",
          null);
    }
    PeftAdapter adapter;
    try {
      FolderIndex.materialize(store, storeRoot, imported.getLocation(), parentFolder);
      adapter = PeftAdapter.read(parentFolder);
    } catch (ArtifactNotFoundException | InvalidFolderIndexException | ModelException e) {
      throw new JobSkippedException(
          JobSkippedException.Reason.REFUSED,
          "The adapter imported from "
              + imported.getSource()
              + " cannot be read from "
              + imported.getLocation()
              + ": "
              + e.getMessage(),
          e);
    }
    if (!base.base().digest().equals(adapter.baseModelDigest())) {
      throw new JobSkippedException(
          JobSkippedException.Reason.REFUSED,
          "The adapter at "
              + imported.getLocation()
              + " records base "
              + adapter.baseModelDigest()
              + ", not the import's "
              + imported.getBaseModelDigest(),
          null);
    }
    log.info(
        "{} of {} starts from the adapter imported from {} ({}, rank {})",
        job.getJobId(),
        job.getAdapterKey(),
        imported.getSource(),
        imported.getImportId(),
        adapter.weights().config().rank());
    return Start.imported(adapter, imported.getSource());
  }

  private static int superseded(List<SourcedExample> earlier, List<TrainingExample> kept) {
    return earlier.size() - kept.size();
  }

  private Start startingPoint(TrainingJob job, Optional<StableRelease> stable, Path parentFolder) {
    if (job.getTrigger() == JobTrigger.ERASURE) {
      // Every release since the erased data arrived may hold it: start over.
      return Start.fresh(LineageMethod.RETRAINED);
    }
    if (stable.isEmpty()) {
      return Start.fresh(LineageMethod.FRESH);
    }
    StableRelease release = stable.get();
    if (!release.trainedOn(base.base().digest())) {
      throw new JobSkippedException(
          JobSkippedException.Reason.AWAITS_REBASE,
          RebaseWait.message(job.getAdapterKey(), base.base().digest(), release),
          null);
    }
    // the base digest covers config and weights, not the tokenizer files beside them
    tokenizers.check(job, release, base.base());
    FolderIndex.materialize(store, storeRoot, release.location(), parentFolder);
    return new Start(
        PeftAdapter.read(parentFolder),
        release.version(),
        LineageMethod.CONTINUED,
        lineageRelease(release, base.base(), null),
        null,
        List.of());
  }

  private List<SourcedExample> readShards(
      TrainingJob job, String role, List<ShardRef> refs, List<Digest> read) {
    List<SourcedExample> examples = new ArrayList<>();
    for (ShardRef ref : refs) {
      Digest digest = Digest.parse(ref.getDigest());
      Shard shard;
      try {
        shard = ShardReader.read(store, digest, job.getTenant(), job.getAdapterKey());
      } catch (ArtifactNotFoundException e) {
        throw new JobSkippedException(
            JobSkippedException.Reason.SHARD_GONE,
            role
                + " shard "
                + digest
                + " of job "
                + job.getJobId()
                + " is no longer in the store (an erasure rewrote it; its ERASURE job retrains"
                + " the key)",
            e);
      } catch (ShardAccessException e) {
        throw new JobSkippedException(
            JobSkippedException.Reason.REFUSED, "Job " + job.getJobId() + ": " + e.getMessage(), e);
      }
      // the evaluator gates on held-out shards: trained on, or ranked on by the recipe search
      // (validation examples, replay sample), they would no longer measure anything held out
      if (shard.split() != ShardSplit.TRAIN) {
        throw new JobSkippedException(
            JobSkippedException.Reason.REFUSED,
            "Job "
                + job.getJobId()
                + ": "
                + role
                + " shard "
                + digest
                + " is a held-out shard; the trainer reads training shards only",
            null);
      }
      read.add(digest);
      if (shard.exampleCount() != ref.getExampleCount()) {
        throw new TrainerException(
            "Shard "
                + digest
                + " holds "
                + shard.exampleCount()
                + " examples, job "
                + job.getJobId()
                + " says "
                + ref.getExampleCount());
      }
      examples.addAll(shard.examples());
    }
    return examples;
  }

  /**
   * Examples as the model layer's language-model examples (see {@link ExampleContent}): a pair's
   * chosen answer, a desirable rating's answer; an undesirable rating has none and is left out.
   */
  static List<TrainingExample> toModel(List<SourcedExample> examples) {
    List<TrainingExample> model = new ArrayList<>(examples.size());
    for (SourcedExample sourced : examples) {
      if (!ExampleContent.hasGoodAnswer(sourced.example())) {
        continue;
      }
      String prompt = ExampleContent.prompt(sourced.example());
      String target = ExampleContent.target(sourced.example());
      model.add(
          prompt.isEmpty()
              ? TrainingExample.text(target)
              : TrainingExample.completion(prompt, target));
    }
    return model;
  }

  static TrainingMetrics metrics(TrainingResult result) {
    List<StepMetrics> steps = result.steps();
    int every = Math.max(1, (steps.size() + LOSS_CURVE_POINTS - 1) / LOSS_CURVE_POINTS);
    List<Integer> curveSteps = new ArrayList<>();
    List<Double> curve = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (i % every == 0 || i == steps.size() - 1) {
        curveSteps.add(steps.get(i).step());
        curve.add(steps.get(i).loss());
      }
    }
    return TrainingMetrics.newBuilder()
        .setSteps(steps.size())
        .setTrainedTokens(result.tokens())
        .setInitialLoss(result.firstLoss())
        .setFinalLoss(result.finalLoss())
        .setMinLoss(steps.stream().mapToDouble(StepMetrics::loss).min().orElse(Double.NaN))
        .setLossCurveSteps(curveSteps)
        .setLossCurve(curve)
        .setTokensPerSecond(result.tokensPerSecond())
        .build();
  }

  /** The job's scratch folder, emptied: always a child of the work folder, whatever the id. */
  private Path jobFolder(String jobId) {
    Path folder = workDir.resolve(Folders.safeName(jobId)).normalize();
    if (!folder.getParent().equals(workDir.normalize())) {
      throw new IllegalArgumentException("Job id " + jobId + " names no folder in " + workDir);
    }
    Folders.deleteRecursively(folder);
    return folder;
  }
}
