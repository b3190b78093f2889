package dev.perennial.model.bench;

import ai.djl.Device;
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
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.World;
import java.util.ArrayList;
import java.util.EnumMap;
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

  private ScoringBenchmark() {}

  /**
   * Seconds to score every adapter's rows at one number of rows per adapter.
   *
   * @param paths each timed multi-adapter path (forced)
   * @param oneByOne one adapter at a time, each in its own model's LoRA layers (all loaded before
   *     timing), each adapter's rows in one pass
   * @param chosen the path the default {@link MultiAdapterPolicy} takes for these rows
   */
  public record Row(int rowsPerAdapter, Map<Path, Spread> paths, Spread oneByOne, Path chosen) {

    /** One by one over the chosen path (medians); NaN when the chosen path was not timed. */
    public double speedup() {
      Spread batched = paths.get(chosen);
      return batched == null ? Double.NaN : oneByOne.median() / batched.median();
    }

    public String line() {
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "%3d rows per adapter:", rowsPerAdapter));
      paths.forEach(
          (path, spread) ->
              line.append(' ').append(path.label()).append(' ').append(seconds(spread)));
      return line.append(
              String.format(
                  Locale.ROOT,
                  "; one by one %s; policy takes %s: %.2fx",
                  seconds(oneByOne),
                  chosen.label(),
                  speedup()))
          .toString();
    }

    private static String seconds(Spread spread) {
      return spread.format("%.4f") + " s";
    }
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
   * (general-set questions, adapters interleaved) scored on each path and one by one.
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
        paths.forEach(path -> first.batched(model, stack, path).run());
        first.oneByOne(singles).run();
      }
      for (int perAdapter : rowsPerAdapter) {
        Cell cell = new Cell(questions, adapters.size(), perAdapter);
        Map<Path, Spread> timed = new EnumMap<>(Path.class);
        for (Path path : paths) {
          timed.put(path, ModelBenchmark.timed(settings, cell.batched(model, stack, path)));
        }
        Spread oneByOne = ModelBenchmark.timed(settings, cell.oneByOne(singles));
        int all = cell.examples.size();
        rows.add(new Row(perAdapter, timed, oneByOne, policy.choose(adapters.size(), all, all)));
      }
    } finally {
      singles.forEach(LanguageModel::close);
    }
    return rows;
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

    /** Every row on {@code path}, the caller asking for one pass of all rows. */
    Runnable batched(LanguageModel model, AdapterStack stack, Path path) {
      MultiAdapterPolicy only = MultiAdapterPolicy.only(path);
      return () ->
          Scorer.scoreWithAdapters(
              model, stack, adapterOf, examples, examples.size(), MAX_LENGTH, only);
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
