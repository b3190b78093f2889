package dev.perennial.cli.bench.continual;

import static dev.perennial.cli.bench.continual.ContinualBenchmark.EVALUATOR_KEYS;
import static dev.perennial.cli.bench.continual.ContinualBenchmark.TRAINER_KEYS;
import static dev.perennial.cli.bench.continual.ContinualBenchmark.without;

import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.evaluate.EvaluationBase;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.suite.Suite;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.train.ProgressBar;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.model.world.World;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.RaterGuard;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.plasticity.PlasticitySettings;
import dev.perennial.trainer.rater.RaterGuardSettings;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.JobRecipe;
import dev.perennial.trainer.worker.JobTrainer;
import dev.perennial.trainer.worker.TrainedJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code perennial bench feedback}: updates that carry only user feedback, with known truth ({@link
 * FeedbackShards}), trained by each objective side by side ({@link FeedbackVariant}) at each share
 * of flipped labels, through the trainer's job training with the configured recipe and replay. Each
 * update's adapter is measured by the evaluator's learning, retention and feedback suites (the
 * feedback suite's preference accuracy on held-out true pairs against the trainer's reference) and
 * by world-truth probes of the preferred facts ({@link RowMeasurer}). Deterministic for a seed on
 * CPU (same thread count).
 */
public final class FeedbackBenchmark {

  /**
   * @param shape the stream (its documents are never trained: only its questions, as feedback)
   * @param seed the stream's and the feedback's seed
   * @param variants the objectives, in order
   * @param noises the shares of flipped labels, each in [0, 0.5)
   * @param labelSmoothing the share of flipped labels the conservative and robust losses assume
   * @param heldOutFraction the share of questions held out as true pairs (by question id)
   * @param recordsPerQuestion records of its kind each trained question carries (users asking it)
   */
  public record Settings(
      UpdateStream.Shape shape,
      long seed,
      List<FeedbackVariant> variants,
      List<Double> noises,
      double labelSmoothing,
      double heldOutFraction,
      int recordsPerQuestion,
      FeedbackNoiseModel noiseModel,
      int users,
      DeviceChoice device) {

    /** The per-record noise model, as every bench before the user model ran. */
    public Settings(
        UpdateStream.Shape shape,
        long seed,
        List<FeedbackVariant> variants,
        List<Double> noises,
        double labelSmoothing,
        double heldOutFraction,
        int recordsPerQuestion,
        DeviceChoice device) {
      this(
          shape,
          seed,
          variants,
          noises,
          labelSmoothing,
          heldOutFraction,
          recordsPerQuestion,
          FeedbackNoiseModel.RECORDS,
          recordsPerQuestion,
          device);
    }

    public Settings {
      variants = List.copyOf(variants);
      noises = List.copyOf(noises);
      if (variants.isEmpty() || noises.isEmpty()) {
        throw new IllegalArgumentException("at least one variant and one noise share must run");
      }
      for (double noise : noises) {
        if (!(noise >= 0 && noise < 0.5)) {
          throw new IllegalArgumentException("a noise share must be in [0, 0.5), not " + noise);
        }
      }
      if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
        throw new IllegalArgumentException(
            "the held-out fraction must be in (0, 1), not " + heldOutFraction);
      }
      if (recordsPerQuestion < 1) {
        throw new IllegalArgumentException(
            "at least one record a question, not " + recordsPerQuestion);
      }
      if (noiseModel == FeedbackNoiseModel.USERS && users < recordsPerQuestion) {
        throw new IllegalArgumentException(
            "--users "
                + users
                + " is fewer than the "
                + recordsPerQuestion
                + " distinct users each question's records come from");
      }
    }

    public int updates() {
      return shape.updates();
    }

    /** The stream the bench turns into feedback: its one tenant's updates. */
    UpdateStream stream(World world) {
      return UpdateStream.generate(world, List.of("tenant1"), shape, seed).get(0);
    }

    /**
     * {@code stream}'s feedback shards as these settings split and draw them, the labels from
     * {@code feedbackSeed} (the bench's own draw: {@link #seed}).
     */
    FeedbackShards shards(
        ArtifactStore store, World world, UpdateStream stream, long feedbackSeed) {
      return FeedbackShards.write(
          store,
          world,
          stream,
          heldOutFraction,
          recordsPerQuestion,
          noiseModel,
          users,
          feedbackSeed);
    }
  }

  /**
   * The evaluator's suites the bench measures with: learning, retention and the feedback guards.
   */
  static final List<Suite> SUITES =
      List.of(new LearningSuite(), new RetentionSuite(), new FeedbackSuite());

  private FeedbackBenchmark() {}

  /**
   * Runs every variant at every noise share.
   *
   * @param configured configuration (perennial.trainer.* and perennial.evaluator.* keys)
   * @param progress where training progress and each measured row are shown (may be null)
   */
  public static FeedbackReport run(
      Settings settings, Map<String, String> configured, PrintWriter progress) {
    return run(settings, configured, progress, report -> {});
  }

  /**
   * The same, handing the report so far to {@code afterEachRun} after every run (a long bench keeps
   * what it measured if it is stopped).
   */
  public static FeedbackReport run(
      Settings settings,
      Map<String, String> configured,
      PrintWriter progress,
      Consumer<FeedbackReport> afterEachRun) {
    long started = System.nanoTime();
    Map<String, String> values = new HashMap<>(configured);
    values.putIfAbsent(EvaluatorConfig.GENERAL_SIZE_CONFIG, "0");
    Path folder = ContinualBenchmark.scratchFolder();
    try {
      TrainerConfig trainerConfig = new TrainerConfig(without(values, EVALUATOR_KEYS));
      EvaluatorConfig evaluatorConfig = new EvaluatorConfig(without(values, TRAINER_KEYS));
      BaseModelSource base = BaseModelSource.open(trainerConfig);
      EvaluationBase evaluation = EvaluationBase.open(evaluatorConfig);
      LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
      World world = World.standard();
      UpdateStream stream = settings.stream(world);
      FeedbackShards shards = settings.shards(store, world, stream, settings.seed());
      List<FeedbackRun> runs = new ArrayList<>();
      int threads =
          ContinualBenchmark.scoringThreads(evaluatorConfig, JobRecipe.from(trainerConfig));
      int generalQuestions;
      try (BatchScorer scorer =
          ContinualBenchmark.scorer(evaluation, evaluatorConfig, settings.device())) {
        RowMeasurer measurer =
            ContinualBenchmark.measurer(
                scorer,
                SUITES,
                world,
                evaluation,
                evaluatorConfig,
                List.of(stream),
                settings.updates(),
                threads);
        generalQuestions = measurer.generalQuestions();
        Probes probes = new Probes(stream);
        Row baseRow = measurer.base(probes);
        for (double noise : settings.noises()) {
          for (FeedbackVariant variant : settings.variants()) {
            TrainerConfig variantConfig =
                new TrainerConfig(
                    variant.configure(
                        new HashMap<>(without(values, EVALUATOR_KEYS)), settings.labelSmoothing()));
            JobTrainer trainer =
                new JobTrainer(
                    base,
                    JobRecipe.from(variantConfig),
                    store,
                    store.root(),
                    folder.resolve("work"),
                    settings.device(),
                    PlasticitySettings.from(variantConfig));
            FeedbackRun run =
                runOne(
                    new Context(
                        settings,
                        shards,
                        probes,
                        trainer,
                        RaterGuardSettings.from(variantConfig),
                        measurer,
                        scorer,
                        store,
                        folder),
                    variant,
                    noise,
                    baseRow,
                    progress);
            baseRow = run.rows().get(0);
            runs.add(run);
            afterEachRun.accept(
                new FeedbackReport(
                    settings,
                    evaluation.base().name(),
                    JobRecipe.from(trainerConfig),
                    measurer.generalQuestions(),
                    runs,
                    (System.nanoTime() - started) / 1e9,
                    threads));
          }
        }
      }
      return new FeedbackReport(
          settings,
          evaluation.base().name(),
          JobRecipe.from(trainerConfig),
          generalQuestions,
          runs,
          (System.nanoTime() - started) / 1e9,
          threads);
    } finally {
      ContinualBenchmark.deleteRecursively(folder);
    }
  }

  /** What every run of one bench shares. */
  private record Context(
      Settings settings,
      FeedbackShards shards,
      Probes probes,
      JobTrainer trainer,
      RaterGuardSettings raterGuard,
      RowMeasurer measurer,
      BatchScorer scorer,
      LocalArtifactStore store,
      Path folder) {}

  private static FeedbackRun runOne(
      Context context, FeedbackVariant variant, double noise, Row baseRow, PrintWriter progress) {
    int updates = context.settings().updates();
    FeedbackShards shards = context.shards();
    List<Row> rows = new ArrayList<>();
    rows.add(baseRow);
    double[] phrasingAccuracy = new double[updates + 1];
    phrasingAccuracy[0] = Double.NaN;
    List<FeedbackShards.TrainShard> trained = new ArrayList<>();
    FeedbackShards.Ceiling ceiling = FeedbackShards.Ceiling.NONE;
    FeedbackShards.GuardCheck guard = FeedbackShards.GuardCheck.NONE;
    Optional<RowMeasurer.Previous> previous = Optional.empty();
    for (int i = 1; i <= updates; i++) {
      String label =
          String.format(
              Locale.ROOT,
              "[%s, noise %.2f] %s update %d/%d",
              variant.label(),
              noise,
              shards.tenant(),
              i,
              updates);
      trained.add(shards.trainShard(i, variant.kind(), noise));
      ceiling = ceiling.plus(shards.ceiling(i, variant.kind(), noise));
      Optional<StableRelease> stable =
          previous.map(
              p ->
                  new StableRelease(
                      p.update(),
                      p.location(),
                      "bench",
                      context.trainer().base().digest(),
                      context.trainer().base().tokenizerDigest()));
      TrainedJob job =
          context
              .trainer()
              .train(
                  shards.job(i, variant.kind(), noise),
                  stable,
                  progress == null ? metrics -> {} : new ProgressBar(progress, label, 25));
      AdapterCandidate candidate = job.candidate();
      guard =
          guard.plus(
              checked(
                  candidate, shards.guardCheck(i, variant.kind(), noise, context.raterGuard())));
      PeftAdapter adapter =
          ContinualBenchmark.read(
              context.store(),
              context.folder(),
              candidate.getLocation(),
              variant.label() + "-" + noise,
              i);
      Map<Integer, StreamShards.UpdateShards> earlier = new TreeMap<>();
      List<EvalExample> phrasingPairs = new ArrayList<>(shards.heldOutPhrasingPairs(i));
      for (int j = 1; j < i; j++) {
        earlier.put(j, shards.update(j, variant.kind(), noise));
        phrasingPairs.addAll(shards.heldOutPhrasingPairs(j));
      }
      Row row =
          context
              .measurer()
              .measure(
                  context.probes(),
                  i,
                  candidate,
                  adapter,
                  previous,
                  shards.heldOutPairs(i),
                  earlier,
                  ContinualBenchmark.training(candidate, Optional.empty()));
      if (Double.isNaN(rows.get(0).generalExactMatch())) {
        rows.set(
            0,
            rows.get(0)
                .withGeneral(
                    row.suite().get("retention.general.exact.match.base"),
                    row.suite().get("retention.general.loss.base")));
      }
      rows.add(row);
      phrasingAccuracy[i] =
          pairAccuracy(
              context.scorer(),
              context.measurer().threads(),
              phrasingPairs,
              "feedback-held-out-phrasing:" + context.settings().seed() + ":u1-" + i,
              candidate.getLocation(),
              adapter,
              previous);
      previous = Optional.of(new RowMeasurer.Previous(i, candidate.getLocation(), adapter));
      if (progress != null) {
        progress.println(FeedbackReport.progressLine(label, row, rows.get(0), phrasingAccuracy[i]));
        progress.flush();
      }
    }
    return new FeedbackRun(variant, noise, rows, phrasingAccuracy, trained, ceiling, guard);
  }

  /**
   * {@code check}, the bench's recount of the rater guard with the truth, once it matches what the
   * trainer recorded in {@code candidate} (counts only).
   */
  private static FeedbackShards.GuardCheck checked(
      AdapterCandidate candidate, FeedbackShards.GuardCheck check) {
    RaterGuard recorded = candidate.getRaterGuard();
    int setAside = recorded == null ? 0 : recorded.getSubjectsSetAside();
    int examples = recorded == null ? 0 : recorded.getExamplesSetAside();
    int outvoted = recorded == null ? 0 : recorded.getExamplesOutvoted();
    if (setAside != check.setAside()
        || examples != check.examplesSetAside()
        || outvoted != check.examplesOutvoted()) {
      throw new IllegalStateException(
          "the trainer's rater guard set aside "
              + setAside
              + " subjects and "
              + examples
              + " examples and outvoted "
              + outvoted
              + ", the bench's recount "
              + check.setAside()
              + ", "
              + check.examplesSetAside()
              + " and "
              + check.examplesOutvoted());
    }
    // what trained, not only what the guard recorded: the job's own examples it kept
    Row.Training training = ContinualBenchmark.training(candidate, Optional.empty());
    int trained = training.examples() + training.validationExamples();
    if (trained != check.trained()) {
      throw new IllegalStateException(
          "the trainer trained "
              + trained
              + " of the job's examples (validation included), the rater guard's recount kept "
              + check.trained());
    }
    return check;
  }

  /**
   * The share of {@code pairs} whose implicit reward margin over the reference (the previous
   * update's adapter, else the base) is above 0, as the feedback suite ranks its pairs.
   */
  private static double pairAccuracy(
      BatchScorer scorer,
      int threads,
      List<EvalExample> pairs,
      String dataset,
      String location,
      PeftAdapter adapter,
      Optional<RowMeasurer.Previous> previous) {
    ModelRef model = ModelRef.adapter(location);
    ModelRef reference = previous.map(p -> ModelRef.adapter(p.location())).orElse(ModelRef.BASE);
    Map<ModelRef, PeftAdapter> adapters = new LinkedHashMap<>();
    adapters.put(model, adapter);
    previous.ifPresent(p -> adapters.put(reference, p.adapter()));
    List<EvalExample> chosen = pairs.stream().map(EvalExample::chosenAnswer).toList();
    List<EvalExample> rejected = pairs.stream().map(EvalExample::rejectedAnswer).toList();
    List<Workload> workloads = new ArrayList<>();
    for (ModelRef ref : List.of(model, reference)) {
      workloads.add(Workload.score(ref, dataset + ":chosen", chosen));
      workloads.add(Workload.score(ref, dataset + ":rejected", rejected));
    }
    Results results;
    ModelRuntime.setThreads(threads);
    try (ModelRuntime.GradMode off = ModelRuntime.gradModeOff()) {
      results = scorer.run(workloads, adapters);
    }
    List<ExampleScore> pc = results.scores(workloads.get(0));
    List<ExampleScore> pr = results.scores(workloads.get(1));
    List<ExampleScore> rc = results.scores(workloads.get(2));
    List<ExampleScore> rr = results.scores(workloads.get(3));
    int right = 0;
    for (int k = 0; k < pairs.size(); k++) {
      double margin =
          (pc.get(k).logLikelihood() - rc.get(k).logLikelihood())
              - (pr.get(k).logLikelihood() - rr.get(k).logLikelihood());
      right += margin > 0 ? 1 : 0;
    }
    return (double) right / pairs.size();
  }
}
