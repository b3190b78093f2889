package dev.perennial.model.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.tiny.PackedCorpus;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingLoop;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    double matmul = matmulGflops(device, settings.matmulSize());

    double loraRate;
    try (LanguageModel model =
        LanguageModel.load(base, device, LoraWeights.initialize(base.config(), lora, 1), true)) {
      loraRate = tokensPerSecond(model, corpus, settings);
    }
    double fullRate;
    long parameters;
    Map<String, HostTensor> weights;
    try (LanguageModel frozen = LanguageModel.load(base, device)) {
      weights = ModelWeights.read(frozen.decoder());
      parameters = frozen.decoder().baseParameterCount();
    }
    try (LanguageModel model =
        LanguageModel.fromWeights(
            base.config(), base.tokenizer(), weights, device, true, null, base.name())) {
      fullRate = tokensPerSecond(model, corpus, settings);
    }
    double loraGflops = loraRate * FlopCount.loraStep(base.config(), lora, settings.length()) / 1e9;

    double[] scoring = scoringSeconds(base, device, world, settings);
    return new BenchmarkReport(
        base.name(),
        parameters,
        device.toString(),
        settings.threads(),
        settings.rows(),
        settings.length(),
        loraRate,
        fullRate,
        loraGflops,
        settings.matmulSize(),
        matmul,
        settings.adapters(),
        settings.rowsPerAdapter(),
        scoring[0],
        scoring[1]);
  }

  /** The engine's rate on an n x n by n x n float32 matmul (2 n^3 FLOPs), after a warm-up. */
  static double matmulGflops(Device device, int n) {
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray a = manager.randomNormal(new Shape(n, n));
      NDArray b = manager.randomNormal(new Shape(n, n));
      int repetitions = Math.max(3, (int) (4e9 / (2.0 * n * n * n)));
      for (int i = 0; i < 3; i++) {
        try (NDManager pass = manager.newSubManager()) {
          pass.tempAttachAll(a, b);
          a.matMul(b).getFloat(0, 0);
        }
      }
      long start = System.nanoTime();
      for (int i = 0; i < repetitions; i++) {
        try (NDManager pass = manager.newSubManager()) {
          pass.tempAttachAll(a, b);
          a.matMul(b).getFloat(0, 0);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return repetitions * 2.0 * n * n * n / seconds / 1e9;
    }
  }

  private static double tokensPerSecond(
      LanguageModel model, List<String> corpus, BenchmarkSettings settings) {
    PackedCorpus batches =
        new PackedCorpus(corpus, model.tokenizer(), settings.rows(), settings.length(), 1, 3);
    TrainingRecipe warmup =
        new TrainingRecipe(
            settings.warmupSteps(),
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
            settings.threads());
    TrainingLoop.run(model, batches, warmup, StepListener.NONE);
    TrainingLoop.Outcome measured =
        TrainingLoop.run(
            model, batches, warmup.withSteps(settings.measuredSteps()), StepListener.NONE);
    return measured.tokens() / measured.seconds();
  }

  /** {batched seconds, one-by-one seconds}, each after a warm-up pass. */
  private static double[] scoringSeconds(
      BaseModel base, Device device, World world, BenchmarkSettings settings) {
    List<QaPair> questions = world.general().evaluationSet();
    List<TrainingExample> examples = new ArrayList<>();
    int[] adapterOf = new int[settings.adapters() * settings.rowsPerAdapter()];
    for (int i = 0; i < adapterOf.length; i++) {
      QaPair pair = questions.get(i % questions.size());
      examples.add(TrainingExample.completion(pair.prompt(), pair.completion()));
      adapterOf[i] = i % settings.adapters();
    }
    List<LoraWeights> adapters = new ArrayList<>();
    for (int a = 0; a < settings.adapters(); a++) {
      adapters.add(randomAdapter(base, a));
    }
    int maxLength = 128;
    double batched;
    try (LanguageModel model = LanguageModel.load(base, device);
        AdapterStack stack = new AdapterStack(model.manager(), base.config(), adapters)) {
      Scorer.scoreWithAdapters(model, stack, adapterOf, examples, examples.size(), maxLength);
      batched = Double.MAX_VALUE;
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        Scorer.scoreWithAdapters(model, stack, adapterOf, examples, examples.size(), maxLength);
        batched = Math.min(batched, (System.nanoTime() - start) / 1e9);
      }
    }
    Map<Integer, List<TrainingExample>> byAdapter = new LinkedHashMap<>();
    for (int i = 0; i < examples.size(); i++) {
      byAdapter.computeIfAbsent(adapterOf[i], k -> new ArrayList<>()).add(examples.get(i));
    }
    List<LanguageModel> models = new ArrayList<>();
    try {
      for (LoraWeights adapter : adapters) {
        models.add(LanguageModel.load(base, device, adapter, false));
      }
      for (int a = 0; a < adapters.size(); a++) {
        Scorer.score(models.get(a), byAdapter.get(a), settings.rowsPerAdapter(), maxLength);
      }
      double oneByOne = Double.MAX_VALUE;
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        for (int a = 0; a < adapters.size(); a++) {
          Scorer.score(models.get(a), byAdapter.get(a), settings.rowsPerAdapter(), maxLength);
        }
        oneByOne = Math.min(oneByOne, (System.nanoTime() - start) / 1e9);
      }
      return new double[] {batched, oneByOne};
    } finally {
      models.forEach(LanguageModel::close);
    }
  }

  private static LoraWeights randomAdapter(BaseModel base, int index) {
    return LoraWeights.initialize(base.config(), LoraConfig.defaults(), index)
        .withRandomB(index, 0.01);
  }
}
