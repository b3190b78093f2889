package dev.perennial.model.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.MultiAdapterPolicy;
import dev.perennial.model.score.MultiAdapterPolicy.Path;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.train.TokenizedExample;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.World;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scoring measurements of {@code perennial bench model}: rows of many adapters on each
 * multi-adapter path against one adapter at a time ({@code --scoring-table}), and the memory of one
 * large scoring pass ({@code --scoring-pass}).
 */
public final class ScoringBenchmark {

  /** Tokens per scored question at most (the general set's questions are far shorter). */
  static final int MAX_LENGTH = 128;

  private static final String ONE_BY_ONE = "one adapter at a time";
  private static final String SEPARATE = "one pass per adapter";
  private static final String TOGETHER = "one pass";

  /**
   * Matmuls at least this long per round when rounds have a length at all (a matmul takes
   * milliseconds; {@code --round-seconds 0} times one run of everything).
   */
  private static final double MATMUL_ROUND_SECONDS = 0.25;

  private ScoringBenchmark() {}

  /**
   * Seconds to score every adapter's rows at one number of rows per adapter.
   *
   * @param paths each timed multi-adapter path (forced), the chosen one always among them
   * @param oneByOne one adapter at a time, each in its own model's LoRA layers (all loaded before
   *     timing), each adapter's rows in one pass
   * @param chosen the path the default {@link MultiAdapterPolicy} takes for these rows
   * @param ceiling what batching could give at most, measured where the policy gathers; or null
   */
  public record Row(
      int rowsPerAdapter, Map<Path, Spread> paths, Spread oneByOne, Path chosen, Ceiling ceiling) {

    /** One by one over the chosen path (medians). */
    public double speedup() {
      return oneByOne.median() / paths.get(chosen).median();
    }

    public List<String> lines() {
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "%3d rows per adapter:", rowsPerAdapter));
      paths.forEach(
          (path, spread) ->
              line.append(' ').append(path.label()).append(' ').append(seconds(spread)));
      line.append(
          String.format(
              Locale.ROOT,
              "; one by one %s; policy takes %s: %.2fx",
              seconds(oneByOne),
              chosen.label(),
              speedup()));
      List<String> lines = new ArrayList<>(List.of(line.toString()));
      if (ceiling != null) {
        lines.addAll(ceiling.lines());
      }
      return lines;
    }
  }

  /**
   * The most that scoring every adapter's rows in one pass can gain over one pass per adapter, at
   * one number of rows per adapter: the plain base (no adapter at all) timed both ways, and the
   * engine's matmul [M, hidden] x [hidden, hidden] once per adapter at M = the tokens of one
   * adapter's rows against once at M = every adapter's tokens.
   *
   * @param separate the plain base, one pass per adapter's rows
   * @param together the plain base, one pass of every row
   * @param matmuls at the rows' padded width, and at {@code --length} tokens per row
   */
  public record Ceiling(Spread separate, Spread together, int adapters, List<Matmul> matmuls) {

    /** Separate over together (medians): batching's gain when adapters cost nothing. */
    public double passes() {
      return separate.median() / together.median();
    }

    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              Locale.ROOT,
              "    ceiling, plain base without adapters: %d passes %s s, one pass %s s: %.2fx",
              adapters,
              separate.format("%.4f"),
              together.format("%.4f"),
              passes()));
      matmuls.forEach(matmul -> lines.add(matmul.line(adapters)));
      return lines;
    }
  }

  /**
   * The matmul [M, hidden] x [hidden, hidden]^T, GFLOP/s at M = {@code tokens} (done once per
   * adapter) and at M = adapters x {@code tokens} (done once).
   */
  public record Matmul(int hidden, long tokens, Spread separate, Spread together) {

    public double gain() {
      return together.median() / separate.median();
    }

    String line(int adapters) {
      return String.format(
          Locale.ROOT,
          "    ceiling, matmul [M x %d] x [%d x %d]: %s GFLOP/s at M = %d, %s GFLOP/s at M = %d:"
              + " %.2fx",
          hidden,
          hidden,
          hidden,
          separate.format("%.1f"),
          tokens,
          together.format("%.1f"),
          adapters * tokens,
          gain());
    }
  }

  private static String seconds(Spread spread) {
    return spread.format("%.4f") + " s";
  }

  /**
   * One scoring pass of {@code rows} texts, every position scored.
   *
   * @param residentBefore resident memory with the base loaded, before the pass
   * @param peak the process's peak resident memory after it
   */
  public record Pass(
      int rows,
      int width,
      long counted,
      long vocabulary,
      double seconds,
      long residentBefore,
      long peak) {

    public List<String> lines() {
      double gib = 1024.0 * 1024 * 1024;
      return List.of(
          String.format(
              Locale.ROOT,
              "scoring pass: %d rows x %d tokens, %,d positions scored over a vocabulary of %,d"
                  + " in %.1f s",
              rows,
              width,
              counted,
              vocabulary,
              seconds),
          String.format(
              Locale.ROOT,
              "memory: %.2f GiB resident with the base loaded, %.2f GiB peak after the pass"
                  + " (its full float32 logits would be %.1f GiB)",
              residentBefore / gib,
              peak / gib,
              4.0 * counted * vocabulary / gib));
    }
  }

  /**
   * The table: for each number of rows per adapter, {@code settings.adapters()} adapters' rows
   * (general-set questions, adapters interleaved) scored on each path and one by one. The paths and
   * the baseline are timed in the same rounds, taking turns in an order that rotates every round,
   * so that drift and order favour none of them.
   */
  public static List<Row> table(
      BaseModel base, BenchmarkSettings settings, int[] rowsPerAdapter, List<Path> paths) {
    ModelRuntime.setThreads(settings.threads());
    Device device = ModelRuntime.device(settings.device());
    List<QaPair> questions = World.standard().general().evaluationSet();
    List<LoraWeights> adapters = new ArrayList<>();
    for (int a = 0; a < settings.adapters(); a++) {
      adapters.add(randomAdapter(base, a));
    }
    MultiAdapterPolicy policy = MultiAdapterPolicy.defaults();
    List<Row> rows = new ArrayList<>();
    List<LanguageModel> singles = new ArrayList<>();
    try (LanguageModel model = LanguageModel.load(base, device);
        AdapterStack stack = new AdapterStack(model.manager(), base.config(), adapters)) {
      for (LoraWeights adapter : adapters) {
        singles.add(LanguageModel.load(base, device, adapter, false));
      }
      // warm the JIT and the allocator on every path before anything is timed
      for (int warmup = 0; warmup < settings.warmupSteps(); warmup++) {
        Cell first = new Cell(questions, adapters.size(), rowsPerAdapter[0]);
        first.work(model, stack, singles, paths, policy).values().forEach(Runnable::run);
      }
      for (int perAdapter : rowsPerAdapter) {
        Cell cell = new Cell(questions, adapters.size(), perAdapter);
        Path chosen = cell.chosen(stack, policy);
        Map<String, Runnable> work = cell.work(model, stack, singles, paths, policy);
        Map<String, Spread> timed = interleaved(settings.rounds(), settings.roundSeconds(), work);
        Map<Path, Spread> byPath = new EnumMap<>(Path.class);
        for (Path path : Path.values()) {
          if (timed.containsKey(path.label())) {
            byPath.put(path, timed.get(path.label()));
          }
        }
        Ceiling ceiling =
            chosen == Path.GATHERED
                ? ceiling(settings, model, cell, timed.get(SEPARATE), timed.get(TOGETHER))
                : null;
        rows.add(new Row(perAdapter, byPath, timed.get(ONE_BY_ONE), chosen, ceiling));
      }
    } finally {
      singles.forEach(LanguageModel::close);
    }
    return rows;
  }

  /**
   * Per round every piece of work in turn (the order rotated by one each round), each for runs
   * lasting {@code roundSeconds} or more: seconds per run, over the rounds.
   */
  private static Map<String, Spread> interleaved(
      int rounds, double roundSeconds, Map<String, Runnable> work) {
    List<String> names = new ArrayList<>(work.keySet());
    Map<String, double[]> seconds = new LinkedHashMap<>();
    names.forEach(name -> seconds.put(name, new double[rounds]));
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((k + round) % names.size());
        seconds.get(name)[round] = ModelBenchmark.secondsPerRun(work.get(name), roundSeconds);
      }
    }
    Map<String, Spread> spreads = new LinkedHashMap<>();
    seconds.forEach((name, values) -> spreads.put(name, Spread.of(values)));
    return spreads;
  }

  private static Ceiling ceiling(
      BenchmarkSettings settings,
      LanguageModel model,
      Cell cell,
      Spread separate,
      Spread together) {
    int width =
        cell.examples.stream()
            .mapToInt(e -> TokenizedExample.of(e, model.tokenizer(), MAX_LENGTH).length() - 1)
            .max()
            .orElse(1);
    List<Matmul> matmuls = new ArrayList<>();
    matmuls.add(matmul(settings, model, cell, (long) cell.perAdapter * width));
    if (settings.length() != width) {
      matmuls.add(matmul(settings, model, cell, (long) cell.perAdapter * settings.length()));
    }
    return new Ceiling(separate, together, cell.byAdapter.size(), matmuls);
  }

  private static Matmul matmul(
      BenchmarkSettings settings, LanguageModel model, Cell cell, long tokens) {
    int hidden = model.config().hiddenSize();
    int adapters = cell.byAdapter.size();
    try (NDManager manager = model.manager().newSubManager()) {
      NDArray weight = manager.randomNormal(new Shape(hidden, hidden));
      NDArray small = manager.randomNormal(new Shape(tokens, hidden));
      NDArray large = manager.randomNormal(new Shape(adapters * tokens, hidden));
      Map<String, Runnable> work = new LinkedHashMap<>();
      work.put(SEPARATE, () -> matmuls(manager, small, weight, adapters));
      work.put(TOGETHER, () -> matmuls(manager, large, weight, 1));
      work.values().forEach(Runnable::run);
      Map<String, Spread> timed =
          interleaved(
              settings.rounds(),
              settings.roundSeconds() > 0
                  ? Math.max(settings.roundSeconds(), MATMUL_ROUND_SECONDS)
                  : 0,
              work);
      double gflop = 2.0 * adapters * tokens * hidden * hidden / 1e9;
      return new Matmul(
          hidden, tokens, rate(timed.get(SEPARATE), gflop), rate(timed.get(TOGETHER), gflop));
    }
  }

  /** GFLOP/s of work of {@code gflop} timed at {@code seconds} per run. */
  private static Spread rate(Spread seconds, double gflop) {
    return new Spread(
        gflop / seconds.max(), gflop / seconds.median(), gflop / seconds.min(), seconds.rounds());
  }

  /** {@code times} products x W^T, as a projection computes them. */
  private static void matmuls(NDManager manager, NDArray x, NDArray weight, int times) {
    try (NDManager pass = manager.newSubManager()) {
      for (int i = 0; i < times; i++) {
        Linear.linear(x, weight).singletonOrThrow().attach(pass);
      }
    }
  }

  /** The rows of one number of rows per adapter: general-set questions, adapters interleaved. */
  private static final class Cell {

    private final int perAdapter;
    private final List<TrainingExample> examples = new ArrayList<>();
    private final int[] adapterOf;
    private final List<List<TrainingExample>> byAdapter = new ArrayList<>();

    Cell(List<QaPair> questions, int adapters, int perAdapter) {
      this.perAdapter = perAdapter;
      this.adapterOf = new int[adapters * perAdapter];
      for (int a = 0; a < adapters; a++) {
        byAdapter.add(new ArrayList<>());
      }
      for (int i = 0; i < adapterOf.length; i++) {
        QaPair pair = questions.get(i % questions.size());
        TrainingExample example = TrainingExample.completion(pair.prompt(), pair.completion());
        examples.add(example);
        adapterOf[i] = i % adapters;
        byAdapter.get(adapterOf[i]).add(example);
      }
    }

    Path chosen(AdapterStack stack, MultiAdapterPolicy policy) {
      int all = examples.size();
      return policy.choose(byAdapter.size(), all, all, stack.mergedBytes());
    }

    /**
     * What is timed, by name: every path asked and the one the policy chooses, one adapter at a
     * time, and where the policy gathers the plain base both ways (the ceiling).
     */
    Map<String, Runnable> work(
        LanguageModel model,
        AdapterStack stack,
        List<LanguageModel> singles,
        List<Path> paths,
        MultiAdapterPolicy policy) {
      Path chosen = chosen(stack, policy);
      Map<String, Runnable> work = new LinkedHashMap<>();
      for (Path path : Path.values()) {
        if (paths.contains(path) || path == chosen) {
          work.put(path.label(), batched(model, stack, path));
        }
      }
      work.put(ONE_BY_ONE, oneByOne(singles));
      if (chosen == Path.GATHERED) {
        work.put(SEPARATE, plainSeparate(model));
        work.put(TOGETHER, plainTogether(model));
      }
      return work;
    }

    /** Every row on {@code path}, the caller asking for one pass of all rows. */
    Runnable batched(LanguageModel model, AdapterStack stack, Path path) {
      MultiAdapterPolicy only = MultiAdapterPolicy.only(path);
      return () ->
          Scorer.scoreWithAdapters(
              model, stack, adapterOf, examples, examples.size(), MAX_LENGTH, only);
    }

    /** The plain base, no adapter: adapter after adapter, its rows in one pass. */
    Runnable plainSeparate(LanguageModel model) {
      return () -> byAdapter.forEach(rows -> Scorer.score(model, rows, perAdapter, MAX_LENGTH));
    }

    /** The plain base, no adapter: every row in one pass. */
    Runnable plainTogether(LanguageModel model) {
      return () -> Scorer.score(model, examples, examples.size(), MAX_LENGTH);
    }

    /** Adapter after adapter, each in its own model, its rows in one pass. */
    Runnable oneByOne(List<LanguageModel> singles) {
      return () -> {
        for (int a = 0; a < singles.size(); a++) {
          Scorer.score(singles.get(a), byAdapter.get(a), perAdapter, MAX_LENGTH);
        }
      };
    }
  }

  /**
   * One pass of {@code rows} texts of {@code settings.length()} tokens, every position scored, on
   * the plain base: its time and the process's peak memory.
   */
  public static Pass pass(BaseModel base, BenchmarkSettings settings, int rows) {
    ModelRuntime.setThreads(settings.threads());
    Device device = ModelRuntime.device(settings.device());
    String corpus = String.join(" ", World.standard().general().corpus());
    List<TrainingExample> texts = new ArrayList<>();
    int chars = 8 * settings.length();
    for (int r = 0; r < rows; r++) {
      int from = (r * 97) % Math.max(1, corpus.length() - chars);
      texts.add(
          TrainingExample.text(corpus.substring(from, Math.min(corpus.length(), from + chars))));
    }
    try (LanguageModel model = LanguageModel.load(base, device)) {
      long before = ProcessMemory.residentBytes();
      long start = System.nanoTime();
      List<ExampleScore> scores = Scorer.score(model, texts, rows, settings.length());
      double seconds = (System.nanoTime() - start) / 1e9;
      long counted = scores.stream().mapToLong(ExampleScore::tokens).sum();
      return new Pass(
          rows,
          settings.length(),
          counted,
          base.config().vocabSize(),
          seconds,
          before,
          ProcessMemory.peakResidentBytes());
    }
  }

  static LoraWeights randomAdapter(BaseModel base, int index) {
    return LoraWeights.initialize(base.config(), LoraConfig.defaults(), index)
        .withRandomB(index, 0.01);
  }
}
