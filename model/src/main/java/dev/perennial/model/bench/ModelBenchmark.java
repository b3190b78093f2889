package dev.perennial.model.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tiny.PackedCorpus;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingLoop;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.World;
import java.util.List;
import java.util.Map;

/**
 * {@code perennial bench model}: LoRA and full fine-tuning throughput, the LoRA step's FLOP rate
 * against the engine's own large-matmul rate, and batched versus one-by-one multi-adapter scoring.
 * It prints figures; nothing is asserted.
 */
public final class ModelBenchmark {

  private ModelBenchmark() {}

  public static BenchmarkReport run(BaseModel base, BenchmarkSettings settings) {
    ModelRuntime.setThreads(settings.threads());
    Device device = ModelRuntime.device(settings.device());
    World world = World.standard();
    List<String> corpus = world.general().corpus();
    LoraConfig lora = LoraConfig.defaults();
    Spread matmul = matmulGflops(device, settings);

    Spread loraRate;
    long loadedBytes;
    long parameters;
    try (LanguageModel model =
        LanguageModel.load(
            base,
            device,
            LoraWeights.initialize(base.config(), lora, 1),
            true,
            settings.basePrecision())) {
      loadedBytes = ProcessMemory.residentBytes();
      parameters = model.decoder().baseParameterCount();
      loraRate = tokensPerSecond(model, corpus, settings, settings.checkpointLayers());
    }
    long loraPeakBytes = ProcessMemory.peakResidentBytes();
    double loraFlops = FlopCount.loraStep(base.config(), lora, settings.length());
    Spread loraGflops = scaled(loraRate, loraFlops / 1e9);
    if (settings.loraOnly()) {
      return new BenchmarkReport(
          base.name(),
          parameters,
          device.toString(),
          settings,
          loraRate,
          null,
          loraGflops,
          matmul,
          loadedBytes,
          loraPeakBytes,
          null,
          null);
    }
    Spread fullRate;
    Map<String, HostTensor> weights;
    try (LanguageModel frozen = LanguageModel.load(base, device)) {
      weights = ModelWeights.read(frozen.decoder());
    }
    try (LanguageModel model =
        LanguageModel.fromWeights(
            base.config(), base.tokenizer(), weights, device, true, null, base.name())) {
      fullRate = tokensPerSecond(model, corpus, settings, false);
    }
    Spread[] scoring = scoringSeconds(base, settings);
    return new BenchmarkReport(
        base.name(),
        parameters,
        device.toString(),
        settings,
        loraRate,
        fullRate,
        loraGflops,
        matmul,
        loadedBytes,
        loraPeakBytes,
        scoring[0],
        scoring[1]);
  }

  private static Spread scaled(Spread spread, double factor) {
    return new Spread(
        spread.min() * factor, spread.median() * factor, spread.max() * factor, spread.rounds());
  }

  /**
   * The engine's rate on an n x n by n x n float32 matmul (2 n^3 FLOPs): after a warm-up, rounds of
   * at least {@code roundSeconds} each.
   */
  static Spread matmulGflops(Device device, BenchmarkSettings settings) {
    int n = settings.matmulSize();
    try (NDManager manager = ModelRuntime.engine().newBaseManager(device)) {
      NDArray a = manager.randomNormal(new Shape(n, n));
      NDArray b = manager.randomNormal(new Shape(n, n));
      Runnable multiply =
          () -> {
            try (NDManager pass = manager.newSubManager()) {
              pass.tempAttachAll(a, b);
              a.matMul(b).getFloat(0, 0);
            }
          };
      double[] seconds = secondsPerRun(settings, 3, multiply);
      double[] gflops = new double[seconds.length];
      for (int round = 0; round < seconds.length; round++) {
        gflops[round] = 2.0 * n * n * n / seconds[round] / 1e9;
      }
      return Spread.of(gflops);
    }
  }

  /** Training tokens/s: warm-up steps, then rounds of whole steps lasting roundSeconds or more. */
  private static Spread tokensPerSecond(
      LanguageModel model,
      List<String> corpus,
      BenchmarkSettings settings,
      boolean checkpointLayers) {
    PackedCorpus batches =
        new PackedCorpus(corpus, model.tokenizer(), settings.rows(), settings.length(), 1, 3);
    TrainingRecipe recipe =
        new TrainingRecipe(
            // a recipe has at least one step; the timed rounds run one-step recipes anyway
            Math.max(1, settings.warmupSteps()),
            settings.rows(),
            1,
            1e-4,
            0,
            1,
            0,
            1,
            settings.length(),
            0,
            3,
            settings.threads(),
            checkpointLayers);
    if (settings.warmupSteps() > 0) {
      TrainingLoop.run(model, batches, recipe, StepListener.NONE);
    }
    double[] rates = new double[settings.rounds()];
    for (int round = 0; round < rates.length; round++) {
      long tokens = 0;
      double seconds = 0;
      do {
        TrainingLoop.Outcome step =
            TrainingLoop.run(model, batches, recipe.withSteps(1), StepListener.NONE);
        tokens += step.tokens();
        seconds += step.seconds();
      } while (seconds < settings.roundSeconds());
      rates[round] = tokens / seconds;
    }
    return Spread.of(rates);
  }

  /**
   * {batched seconds, one-by-one seconds} over the rounds, timed in turns after the warm-up steps;
   * batched on the path the default policy takes.
   */
  private static Spread[] scoringSeconds(BaseModel base, BenchmarkSettings settings) {
    ScoringBenchmark.Row row =
        ScoringBenchmark.table(base, settings, new int[] {settings.rowsPerAdapter()}, List.of())
            .get(0);
    return new Spread[] {row.paths().get(row.chosen()), row.oneByOne()};
  }

  /**
   * Per round, the mean seconds of a run of {@code work} over runs lasting roundSeconds or more,
   * after {@code warmups} runs.
   */
  private static double[] secondsPerRun(BenchmarkSettings settings, int warmups, Runnable work) {
    for (int i = 0; i < warmups; i++) {
      work.run();
    }
    double[] seconds = new double[settings.rounds()];
    for (int round = 0; round < seconds.length; round++) {
      seconds[round] = secondsPerRun(work, settings.roundSeconds());
    }
    return seconds;
  }

  /** Mean seconds of a run of {@code work} over runs lasting {@code minimum} seconds or more. */
  static double secondsPerRun(Runnable work, double minimum) {
    long start = System.nanoTime();
    int runs = 0;
    double elapsed;
    do {
      work.run();
      runs++;
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < minimum);
    return elapsed / runs;
  }
}
