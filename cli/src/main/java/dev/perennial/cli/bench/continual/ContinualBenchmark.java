package dev.perennial.cli.bench.continual;

import dev.perennial.core.PerennialException;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.evaluate.EvaluationBase;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.GeneralSet;
import dev.perennial.evaluator.suite.Suite;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.plasticity.AdapterRefresh;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.train.ProgressBar;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.model.world.World;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.plasticity.PlasticitySettings;
import dev.perennial.trainer.search.SearchSettings;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.JobRecipe;
import dev.perennial.trainer.worker.JobTrainer;
import dev.perennial.trainer.worker.TrainedJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code perennial bench continual}: continual learning measured against the synthetic world's
 * truth. Each tenant's {@link UpdateStream} is sealed into shards as the accumulator seals them;
 * every update is trained by the trainer's {@link JobTrainer} with the configured (production)
 * recipe and replay, and by the baselines ({@link Variant}); every adapter is measured by the
 * evaluator's learning and retention suites and by world-truth probes of every fact ({@link
 * RowMeasurer}). Deterministic for a seed on CPU (same thread count): the figures, not the timings.
 */
public final class ContinualBenchmark {

  /**
   * @param shape the stream of each tenant (its number of updates first)
   * @param seed the stream's seed (the world is the standard one the base knows)
   * @param tenants tenants, each with a stream and adapters of its own
   * @param variants the variants to run, in order
   * @param jointEveryUpdate train the joint baseline after every update (else after the last one)
   * @param feedbackMix the kinds of training example the streams' feedback becomes
   */
  public record Settings(
      UpdateStream.Shape shape,
      long seed,
      int tenants,
      List<Variant> variants,
      boolean jointEveryUpdate,
      DeviceChoice device,
      FeedbackMix feedbackMix) {

    public Settings {
      variants = List.copyOf(variants);
      if (tenants < 1) {
        throw new IllegalArgumentException("tenants must be at least 1, was " + tenants);
      }
      if (variants.isEmpty()) {
        throw new IllegalArgumentException("at least one variant must run");
      }
    }

    public int updates() {
      return shape.updates();
    }
  }

  static final String TRAINER_KEYS = "perennial.trainer.";
  public static final String EVALUATOR_KEYS = "perennial.evaluator.";

  private ContinualBenchmark() {}

  /** One configuration serves both stages here; each reads its own keys (and the shared ones). */
  public static Map<String, String> without(Map<String, String> values, String prefix) {
    Map<String, String> own = new HashMap<>(values);
    own.keySet().removeIf(key -> key.startsWith(prefix));
    return own;
  }

  /**
   * Runs every variant on every tenant's stream.
   *
   * @param values configuration (perennial.trainer.* and perennial.evaluator.* keys), as a service
   *     would read it
   * @param progress where training progress and each measured row are shown (may be null)
   */
  public static ContinualReport run(
      Settings settings, Map<String, String> configured, PrintWriter progress) {
    long started = System.nanoTime();
    Map<String, String> values = new HashMap<>(configured);
    // every general question, unless configured otherwise: the retention goal is a small drop
    values.putIfAbsent(EvaluatorConfig.GENERAL_SIZE_CONFIG, "0");
    Path folder = scratchFolder();
    try {
      TrainerConfig trainerConfig = new TrainerConfig(without(values, EVALUATOR_KEYS));
      EvaluatorConfig evaluatorConfig = new EvaluatorConfig(without(values, TRAINER_KEYS));
      BaseModelSource base = BaseModelSource.open(trainerConfig);
      EvaluationBase evaluation = EvaluationBase.open(evaluatorConfig);
      LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
      World world = World.standard();
      List<String> tenantIds = new ArrayList<>();
      for (int t = 1; t <= settings.tenants(); t++) {
        tenantIds.add("tenant" + t);
      }
      List<UpdateStream> streams =
          UpdateStream.generate(world, tenantIds, settings.shape(), settings.seed());
      Map<String, StreamShards> shards = new LinkedHashMap<>();
      for (UpdateStream stream : streams) {
        shards.put(
            stream.tenantId(),
            StreamShards.write(
                store,
                stream,
                trainerConfig.heldOutFraction(),
                trainerConfig.replayMaxShards(),
                settings.feedbackMix()));
      }
      List<Run> runs = new ArrayList<>();
      int threads = scoringThreads(evaluatorConfig, JobRecipe.from(trainerConfig));
      int generalQuestions;
      try (BatchScorer scorer = scorer(evaluation, evaluatorConfig, settings.device())) {
        RowMeasurer measurer =
            measurer(
                scorer,
                RowMeasurer.CONTINUAL_SUITES,
                world,
                evaluation,
                evaluatorConfig,
                streams,
                settings.updates(),
                threads);
        generalQuestions = measurer.generalQuestions();
        Map<String, Row> baseRows = new HashMap<>();
        for (Variant variant : settings.variants()) {
          Map<String, String> variantValues =
              variant.configure(new HashMap<>(without(values, EVALUATOR_KEYS)));
          TrainerConfig variantConfig = new TrainerConfig(variantValues);
          JobTrainer trainer =
              new JobTrainer(
                  base,
                  JobRecipe.from(variantConfig),
                  store,
                  store.root(),
                  folder.resolve("work"),
                  settings.device(),
                  PlasticitySettings.from(variantConfig),
                  SearchSettings.from(variantConfig));
          for (UpdateStream stream : streams) {
            Probes probes = new Probes(stream);
            Row baseRow =
                baseRows.computeIfAbsent(stream.tenantId(), tenant -> measurer.base(probes));
            runs.add(
                runOne(
                    variant,
                    stream,
                    shards.get(stream.tenantId()),
                    probes,
                    baseRow,
                    trainer,
                    measurer,
                    store,
                    folder,
                    settings,
                    progress));
          }
        }
      }
      return new ContinualReport(
          settings,
          evaluation.base().name(),
          JobRecipe.from(trainerConfig),
          generalQuestions,
          runs,
          (System.nanoTime() - started) / 1e9,
          threads);
    } finally {
      deleteRecursively(folder);
    }
  }

  /** The evaluator's batch scorer on the evaluation base, as the bench configures it. */
  static BatchScorer scorer(
      EvaluationBase evaluation, EvaluatorConfig evaluatorConfig, DeviceChoice device) {
    return new BatchScorer(
        evaluation.base(), ModelRuntime.device(device), BatchScorer.Settings.from(evaluatorConfig));
  }

  /**
   * The row measurer of {@code streams}: the evaluator's general set and the general facts'
   * held-out phrasings, both without the facts a stream changes.
   */
  static RowMeasurer measurer(
      BatchScorer scorer,
      List<Suite> suites,
      World world,
      EvaluationBase evaluation,
      EvaluatorConfig evaluatorConfig,
      List<UpdateStream> streams,
      int updates,
      int threads) {
    List<EvalExample> general = unchangedGeneral(world, evaluation.general(), streams);
    List<EvalExample> generalHeldOut =
        unchangedGeneral(
            world,
            GeneralSet.spread(
                world.general().heldOutEvaluationSet().stream()
                    .map(pair -> EvalExample.question(pair.prompt(), pair.completion()))
                    .toList(),
                evaluatorConfig.generalSize()),
            streams);
    return new RowMeasurer(
        scorer,
        suites,
        general,
        "general-unchanged:" + general.size() + "/" + evaluation.general().size(),
        generalHeldOut,
        evaluatorConfig.thresholds("bench"),
        evaluatorConfig.bootstrap(),
        evaluatorConfig.leakageControls(),
        updates,
        threads);
  }

  /**
   * The intra-op thread count the benches score at: {@code perennial.evaluator.threads}, else the
   * recipe's, never PyTorch's default (the machine's core count): CPU scores are bit-identical at
   * one thread count only.
   */
  static int scoringThreads(EvaluatorConfig evaluatorConfig, JobRecipe recipe) {
    return evaluatorConfig.threads().orElse(recipe.model().threads());
  }

  private static Run runOne(
      Variant variant,
      UpdateStream stream,
      StreamShards shards,
      Probes probes,
      Row baseRow,
      JobTrainer trainer,
      RowMeasurer measurer,
      LocalArtifactStore store,
      Path folder,
      Settings settings,
      PrintWriter progress) {
    int updates = settings.updates();
    List<Row> rows = new ArrayList<>();
    rows.add(baseRow);
    Optional<RowMeasurer.Previous> previous = Optional.empty();
    // the last candidate's lineage: the plasticity monitor's verdict on it (as releases.v1 has it)
    Optional<Lineage> previousLineage = Optional.empty();
    for (int i = 1; i <= updates; i++) {
      if (variant.joint() && !settings.jointEveryUpdate() && i < updates) {
        rows.add(Row.unmeasured(i, updates + 1));
        continue;
      }
      String label =
          String.format(
              Locale.ROOT, "[%s] %s update %d/%d", variant.label(), shards.tenant(), i, updates);
      TrainingJob job = shards.job(i, variant);
      long refreshSeed = settings.seed() + i;
      Optional<AdapterRefresh.Result> refresh =
          refreshDue(variant, rows, i)
              ? previous.map(p -> refresh(p.adapter(), refreshSeed))
              : Optional.empty();
      if (progress != null && refresh.isPresent()) {
        progress.printf(
            Locale.ROOT,
            "%s: learning gain fell below %.0f %% of the first update's; refreshed (kept"
                + " energy >= %.4f)%n",
            label,
            Variant.REFRESH_BELOW * 100,
            refresh.get().minKeptEnergy());
      }
      Optional<String> start =
          refresh.isPresent()
              ? Optional.of(
                  startingPoint(store, folder, previous.get().adapter(), refresh.get(), i))
              : previous.map(RowMeasurer.Previous::location);
      Optional<StableRelease> stable =
          variant.continues()
              ? previous.map(
                  p ->
                      new StableRelease(
                          p.update(),
                          start.get(),
                          "bench",
                          trainer.base().digest(),
                          trainer.base().tokenizerDigest()))
              : Optional.empty();
      TrainedJob trained =
          trainer.train(
              job,
              stable,
              variant.continues() ? previousLineage : Optional.empty(),
              progress == null ? metrics -> {} : new ProgressBar(progress, label, 25));
      AdapterCandidate candidate = trained.candidate();
      PeftAdapter adapter = read(store, folder, candidate.getLocation(), variant.label(), i);
      Map<Integer, StreamShards.UpdateShards> earlier = new TreeMap<>();
      List<EvalExample> newTask = new ArrayList<>();
      for (int j = 1; j <= i; j++) {
        if (j == i || variant.joint()) {
          newTask.addAll(shards.update(j).heldOutExamples());
        } else {
          earlier.put(j, shards.update(j));
        }
      }
      Row row =
          measurer.measure(
              probes,
              i,
              candidate,
              adapter,
              variant.continues() ? previous : Optional.empty(),
              newTask,
              earlier,
              training(candidate, refresh));
      if (rows.size() == 1 || Double.isNaN(rows.get(0).generalExactMatch())) {
        rows.set(
            0,
            rows.get(0)
                .withGeneral(
                    row.suite().get("retention.general.exact.match.base"),
                    row.suite().get("retention.general.loss.base")));
      }
      rows.add(row);
      previous = Optional.of(new RowMeasurer.Previous(i, candidate.getLocation(), adapter));
      previousLineage = Optional.ofNullable(candidate.getLineage());
      if (progress != null) {
        progress.println(ContinualReport.progressLine(label, row));
        progress.flush();
      }
    }
    return new Run(variant, stream.tenantId(), rows);
  }

  /**
   * Whether the refresh variant refreshes before update {@code i}: when the last update's learning
   * gain (exact match on its own facts after it, minus before it) fell below {@link
   * Variant#REFRESH_BELOW} of the first update's.
   */
  static boolean refreshDue(Variant variant, List<Row> rows, int i) {
    if (variant != Variant.REFRESH || i < 3) {
      return false;
    }
    double first = rows.get(1).emTrained()[1] - rows.get(0).emTrained()[1];
    double last = rows.get(i - 1).emTrained()[i - 1] - rows.get(i - 2).emTrained()[i - 1];
    return last < Variant.REFRESH_BELOW * first;
  }

  /** Frees half the rank of every module, keeping {@link Variant#REFRESH_ENERGY} of its change. */
  private static AdapterRefresh.Result refresh(PeftAdapter adapter, long seed) {
    int rank = adapter.weights().config().rank();
    return AdapterRefresh.refresh(
        adapter.weights(),
        new AdapterRefresh.Settings(Variant.REFRESH_ENERGY, Math.max(1, rank / 2)),
        seed);
  }

  /** Stores the refreshed adapter as the next update's starting point; returns its location. */
  private static String startingPoint(
      LocalArtifactStore store,
      Path folder,
      PeftAdapter previous,
      AdapterRefresh.Result refresh,
      int update) {
    Path target = folder.resolve("refreshed").resolve("before-update-" + update);
    new PeftAdapter(refresh.weights(), previous.baseModelName(), previous.baseModelDigest())
        .write(target);
    return FolderIndex.store(store, target).location();
  }

  static Row.Training training(
      AdapterCandidate candidate, Optional<AdapterRefresh.Result> refresh) {
    Map<String, String> extras = new TreeMap<>(candidate.getRecipe().getExtras());
    refresh.ifPresent(
        r -> {
          extras.put("refreshedBefore", "true");
          extras.put("refreshKeptEnergy", String.format(Locale.ROOT, "%.4f", r.minKeptEnergy()));
        });
    if (candidate.getLineage() != null) {
      extras.putAll(monitor(candidate.getLineage()));
    }
    if (candidate.getSearch() != null) {
      extras.put("searchWinner", candidate.getSearch().getWinner());
      extras.put("searchCentre", String.valueOf(candidate.getSearch().getCentre()));
    }
    if (candidate.getLineage() != null && candidate.getLineage().getSearchedRecipe() != null) {
      var point = candidate.getLineage().getSearchedRecipe();
      extras.put(
          "searchedRecipe",
          String.format(
              Locale.ROOT,
              "learning rate x%s, replay %s, feedback weight x%s, rank %d",
              point.getLearningRateFactor(),
              point.getReplayFraction(),
              point.getFeedbackWeightFactor(),
              point.getLoraRank()));
    }
    return new Row.Training(
        (int) candidate.getExampleCount(),
        Integer.parseInt(extras.getOrDefault("validationExamples", "0")),
        candidate.getMetrics().getSteps(),
        Integer.parseInt(extras.getOrDefault("plannedSteps", "0")),
        candidate.getSearch() == null ? 0 : candidate.getSearch().getTrialSteps(),
        candidate.getMetrics().getTrainedTokens(),
        candidate.getTrainingMillis() / 1000.0,
        candidate.getMetrics().getInitialLoss(),
        candidate.getMetrics().getFinalLoss(),
        new TreeMap<>(extras));
  }

  /**
   * The trainer's plasticity monitor on a candidate (its lineage): the learning gain in nats on the
   * job's own examples, the fresh-adapter control's and their ratio where a control ran, whether a
   * refresh is due, and the refresh the job started with.
   */
  static Map<String, String> monitor(Lineage lineage) {
    Map<String, String> extras = new TreeMap<>();
    var plasticity = lineage.getPlasticity();
    if (plasticity != null) {
      putNumber(extras, "monitorGain", plasticity.getLearningGain());
      putNumber(extras, "monitorControlGain", plasticity.getControlGain());
      putNumber(extras, "monitorGainRatio", plasticity.getGainRatio());
      if (plasticity.getRefreshDue()) {
        extras.put("monitorRefreshDue", "true");
      }
    }
    if (lineage.getRefresh() != null) {
      extras.put(
          "monitorRefreshed",
          String.format(
              Locale.ROOT,
              "freed rank %d, kept energy >= %.4f",
              lineage.getRefresh().getFreedRank(),
              lineage.getRefresh().getMinKeptEnergy()));
    }
    return extras;
  }

  private static void putNumber(Map<String, String> extras, String key, Double value) {
    if (value != null && !value.isNaN()) {
      extras.put(key, String.format(Locale.ROOT, "%.4f", value));
    }
  }

  static PeftAdapter read(
      LocalArtifactStore store, Path folder, String location, String label, int update) {
    Path target =
        folder.resolve("adapters").resolve(label + "-" + update + "-" + location.hashCode());
    FolderIndex.materialize(store, store.root(), location, target);
    return PeftAdapter.read(target);
  }

  /**
   * The evaluator's general set without the questions whose facts a stream changes: after an update
   * those have a new true answer, which is the knowledge-update measure's business.
   */
  static List<EvalExample> unchangedGeneral(
      World world, List<EvalExample> general, List<UpdateStream> streams) {
    Map<String, String> factOfPrompt = new HashMap<>();
    for (QaPair pair : world.general().evaluationSet()) {
      factOfPrompt.put(pair.prompt(), pair.fact().key());
    }
    for (QaPair pair : world.general().heldOutEvaluationSet()) {
      factOfPrompt.put(pair.prompt(), pair.fact().key());
    }
    Set<String> changed = new java.util.HashSet<>();
    streams.forEach(stream -> changed.addAll(stream.changedGeneralFacts()));
    return general.stream()
        .filter(example -> !changed.contains(factOfPrompt.get(example.prompt())))
        .toList();
  }

  static Path scratchFolder() {
    try {
      return Files.createTempDirectory("perennial-bench-continual-");
    } catch (IOException e) {
      throw new PerennialException("Cannot create a scratch folder: " + e.getMessage(), e);
    }
  }

  static void deleteRecursively(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new PerennialException("Cannot remove " + folder + ": " + e.getMessage(), e);
    }
  }
}
