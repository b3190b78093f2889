package dev.perennial.evaluator.scoring;

import ai.djl.Device;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Generator;
import dev.perennial.model.score.MultiAdapterPolicy;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the workloads of a batch of candidates on one base model, choosing per workload how:
 *
 * <ul>
 *   <li>the base's workloads in plain passes of the base;
 *   <li>adapter workloads of at most {@code maxRowsPerAdapter} rows (held-out examples, their
 *       questions) for every adapter of the batch together, over one {@link AdapterStack}: scored
 *       on the path the {@link MultiAdapterPolicy} chooses (gathered per row, grouped by adapter,
 *       or adapter by adapter merged into the base weights); answers generated with each row
 *       gathering its own adapter;
 *   <li>larger adapter workloads (the general set, canaries) adapter by adapter, with the adapter
 *       loaded into the model's LoRA layers: with many rows per adapter the per-row gather of the
 *       multi-adapter pass costs more than it saves (model/README.md, "Benchmark").
 * </ul>
 *
 * Results are cached by workload key, so the base's general scores, say, are computed once per
 * process. A run reports its rows done as each pass finishes ({@link ScoringProgress}). Must be
 * called on one thread, with PyTorch's gradients off on it.
 */
public final class BatchScorer implements AutoCloseable {

  /**
   * How passes are shaped.
   *
   * @param policy how the shared passes score rows of many adapters
   */
  public record Settings(
      int batchSize,
      int maxRowsPerAdapter,
      int maxSequenceLength,
      int maxNewTokens,
      MultiAdapterPolicy policy) {

    public Settings {
      if (batchSize < 1 || maxRowsPerAdapter < 0 || maxSequenceLength < 2 || maxNewTokens < 1) {
        throw new IllegalArgumentException("invalid scoring settings: " + this);
      }
    }

    /** Shared passes under the default multi-adapter policy. */
    public Settings(int batchSize, int maxRowsPerAdapter, int maxSequenceLength, int maxNewTokens) {
      this(
          batchSize,
          maxRowsPerAdapter,
          maxSequenceLength,
          maxNewTokens,
          MultiAdapterPolicy.defaults());
    }

    /** The configured passes, answers up to the longest short answer exact match judges. */
    public static Settings from(EvaluatorConfig config) {
      return new Settings(
          config.batchSize(),
          config.batchMaxRowsPerAdapter(),
          config.maxSequenceLength(),
          EvalExample.MAX_SHORT_ANSWER_CHARS + 2,
          new MultiAdapterPolicy(
              config.batchGatheredMaxRowsPerAdapter(),
              config.batchOneByOneMinRowsPerAdapter(),
              config.batchSize(),
              config.batchOneByOneMaxMergedBytes()));
    }
  }

  private static final int CACHE_ENTRIES = 1024;

  private final BaseModel base;
  private final Device device;
  private final Settings settings;
  private final ScoringStats stats = new ScoringStats();
  private final Map<String, List<?>> cache = lru();
  private LanguageModel baseModel;

  public BatchScorer(BaseModel base, Device device, Settings settings) {
    this.base = base;
    this.device = device;
    this.settings = settings;
  }

  public BaseModel base() {
    return base;
  }

  public Settings settings() {
    return settings;
  }

  /** What the passes cost so far. */
  public ScoringStats stats() {
    return stats;
  }

  /**
   * Computes every workload, reusing cached results.
   *
   * @param adapters the adapter of every adapter model the workloads name, each already checked to
   *     fit the base
   */
  public Results run(List<Workload> workloads, Map<ModelRef, PeftAdapter> adapters) {
    return run(workloads, adapters, progress -> {});
  }

  /**
   * Computes every workload, reusing cached results, telling {@code progress} the rows computed
   * after each pass out of the rows to compute (those not from the cache nor another workload of
   * the same key: at the rate so far, they tell the time left).
   */
  public Results run(
      List<Workload> workloads,
      Map<ModelRef, PeftAdapter> adapters,
      Consumer<ScoringProgress> progress) {
    Results results = new Results();
    Map<String, Workload> pending = new LinkedHashMap<>();
    for (Workload workload : workloads) {
      if (workload.rows() == 0) {
        store(results, workload, List.of());
      } else if (!fromCache(results, workload)) {
        pending.putIfAbsent(workload.key(), workload);
      }
    }
    Tally tally = new Tally(rows(List.copyOf(pending.values())), progress);
    List<Workload> basePasses = new ArrayList<>();
    List<Workload> shared = new ArrayList<>();
    Map<ModelRef, List<Workload>> single = new LinkedHashMap<>();
    for (Workload workload : pending.values()) {
      if (workload.model().isBase()) {
        basePasses.add(workload);
      } else {
        if (!adapters.containsKey(workload.model())) {
          throw new EvaluatorException("No adapter loaded for " + workload.model());
        }
        if (workload.rows() <= settings.maxRowsPerAdapter()) {
          shared.add(workload);
        } else {
          single.computeIfAbsent(workload.model(), m -> new ArrayList<>()).add(workload);
        }
      }
    }
    if (!basePasses.isEmpty()) {
      long started = System.nanoTime();
      runOn(baseModel(), basePasses, results, tally);
      stats.addBase(rows(basePasses), System.nanoTime() - started);
    }
    if (!shared.isEmpty()) {
      long started = System.nanoTime();
      runShared(shared, adapters, results, tally);
      stats.addShared(rows(shared), System.nanoTime() - started);
    }
    for (Map.Entry<ModelRef, List<Workload>> entry : single.entrySet()) {
      long started = System.nanoTime();
      try (LanguageModel model =
          LanguageModel.loadAdapter(base, device, adapters.get(entry.getKey()), false)) {
        runOn(model, entry.getValue(), results, tally);
      }
      stats.addSingle(rows(entry.getValue()), System.nanoTime() - started);
    }
    return results;
  }

  /** Every workload on one model, one call per kind. */
  private void runOn(LanguageModel model, List<Workload> workloads, Results results, Tally tally) {
    List<Workload> scoring = byKind(workloads, Workload.Kind.SCORE);
    if (!scoring.isEmpty()) {
      List<ExampleScore> scores =
          Scorer.score(model, toModel(scoring), settings.batchSize(), settings.maxSequenceLength());
      split(scoring, scores, results, tally);
    }
    List<Workload> answering = byKind(workloads, Workload.Kind.ANSWER);
    if (!answering.isEmpty()) {
      List<String> answers = Generator.greedy(model, prompts(answering), generation());
      split(answering, answers, results, tally);
    }
    List<Workload> predicting = byKind(workloads, Workload.Kind.PREDICT);
    if (!predicting.isEmpty()) {
      List<int[]> predictions =
          Scorer.predictions(
              model, toModel(predicting), settings.batchSize(), settings.maxSequenceLength());
      split(predicting, predictions, results, tally);
    }
  }

  /** Workloads of many adapters in passes where each row uses its own adapter. */
  private void runShared(
      List<Workload> workloads, Map<ModelRef, PeftAdapter> adapters, Results results, Tally tally) {
    List<ModelRef> order = new ArrayList<>();
    for (Workload workload : workloads) {
      if (!order.contains(workload.model())) {
        order.add(workload.model());
      }
    }
    List<LoraWeights> weights = order.stream().map(m -> adapters.get(m).weights()).toList();
    LanguageModel model = baseModel();
    try (AdapterStack stack = new AdapterStack(model.manager(), base.config(), weights)) {
      List<Workload> scoring = byKind(workloads, Workload.Kind.SCORE);
      if (!scoring.isEmpty()) {
        List<ExampleScore> scores =
            Scorer.scoreWithAdapters(
                model,
                stack,
                adapterOf(scoring, order),
                toModel(scoring),
                settings.batchSize(),
                settings.maxSequenceLength(),
                settings.policy());
        split(scoring, scores, results, tally);
      }
      List<Workload> answering = byKind(workloads, Workload.Kind.ANSWER);
      if (!answering.isEmpty()) {
        List<String> answers =
            Generator.greedyWithAdapters(
                model, stack, adapterOf(answering, order), prompts(answering), generation());
        split(answering, answers, results, tally);
      }
      List<Workload> predicting = byKind(workloads, Workload.Kind.PREDICT);
      if (!predicting.isEmpty()) {
        List<int[]> predictions =
            Scorer.predictionsWithAdapters(
                model,
                stack,
                adapterOf(predicting, order),
                toModel(predicting),
                settings.batchSize(),
                settings.maxSequenceLength(),
                settings.policy());
        split(predicting, predictions, results, tally);
      }
    }
  }

  private Generator.Options generation() {
    return new Generator.Options(settings.maxNewTokens(), true, settings.batchSize());
  }

  private LanguageModel baseModel() {
    if (baseModel == null) {
      baseModel = LanguageModel.load(base, device);
    }
    return baseModel;
  }

  /** One pass's values into its workloads' results; its rows are done. */
  private <T> void split(List<Workload> workloads, List<T> values, Results results, Tally tally) {
    int from = 0;
    for (Workload workload : workloads) {
      List<T> part = values.subList(from, from + workload.rows());
      from += workload.rows();
      store(results, workload, part);
    }
    tally.done(from);
  }

  /** A run's rows done so far, told to its progress listener. */
  private static final class Tally {

    private final long total;
    private final Consumer<ScoringProgress> progress;
    private final long started = System.nanoTime();
    private long done;

    Tally(long total, Consumer<ScoringProgress> progress) {
      this.total = total;
      this.progress = progress;
    }

    void done(long rows) {
      done += rows;
      progress.accept(new ScoringProgress(done, total, (System.nanoTime() - started) / 1e9));
    }
  }

  /** A workload's values (scores, answers trimmed, or predictions) into the results and cache. */
  @SuppressWarnings("unchecked")
  private void store(Results results, Workload workload, List<?> values) {
    List<?> kept =
        workload.kind() == Workload.Kind.ANSWER
            ? values.stream().map(answer -> ((String) answer).trim()).toList()
            : List.copyOf(values);
    put(results, workload, kept);
    cache.put(workload.key(), kept);
  }

  @SuppressWarnings("unchecked")
  private static void put(Results results, Workload workload, List<?> values) {
    switch (workload.kind()) {
      case SCORE -> results.putScores(workload, (List<ExampleScore>) values);
      case ANSWER -> results.putAnswers(workload, (List<String>) values);
      case PREDICT -> results.putPredictions(workload, (List<int[]>) values);
    }
  }

  private boolean fromCache(Results results, Workload workload) {
    List<?> cached = cache.get(workload.key());
    if (cached == null) {
      return false;
    }
    put(results, workload, cached);
    stats.addCached(workload.rows());
    return true;
  }

  private static List<Workload> byKind(List<Workload> workloads, Workload.Kind kind) {
    return workloads.stream().filter(w -> w.kind() == kind).toList();
  }

  private static List<TrainingExample> toModel(List<Workload> workloads) {
    List<TrainingExample> examples = new ArrayList<>();
    workloads.forEach(w -> w.examples().forEach(e -> examples.add(e.toModel())));
    return examples;
  }

  private static List<String> prompts(List<Workload> workloads) {
    List<String> prompts = new ArrayList<>();
    workloads.forEach(w -> w.examples().forEach(e -> prompts.add(e.prompt())));
    return prompts;
  }

  private static int[] adapterOf(List<Workload> workloads, List<ModelRef> order) {
    int[] adapterOf = new int[rows(workloads)];
    int row = 0;
    for (Workload workload : workloads) {
      int index = order.indexOf(workload.model());
      for (EvalExample ignored : workload.examples()) {
        adapterOf[row++] = index;
      }
    }
    return adapterOf;
  }

  private static int rows(List<Workload> workloads) {
    return workloads.stream().mapToInt(Workload::rows).sum();
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > CACHE_ENTRIES;
      }
    };
  }

  @Override
  public void close() {
    if (baseModel != null) {
      baseModel.close();
      baseModel = null;
    }
  }
}
