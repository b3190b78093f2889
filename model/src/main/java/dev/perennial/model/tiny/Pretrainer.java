package dev.perennial.model.tiny;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.CheckpointWriter;
import dev.perennial.model.checkpoint.HfCheckpoint;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.EngineSetup;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.ExactMatch;
import dev.perennial.model.score.Generator;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.tokenizer.Tokenizers;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingLoop;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.GeneralSlice;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.World;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pretrains a byte-level Llama from a seeded initialisation on the synthetic world's general corpus
 * and writes a complete model folder: {@code config.json}, {@code model.safetensors}, the tokenizer
 * description, {@value #RECORD} (settings, figures, digest) and the general evaluation and replay
 * sets. The bundled {@code perennial-tiny} is {@code run(TinyModel.settings(), ...)}.
 */
public final class Pretrainer {

  /** The record of how the weights were made. */
  public static final String RECORD = "pretraining.json";

  public static final String GENERAL_EVALUATION = "general-eval.jsonl";
  public static final String GENERAL_REPLAY = "general-replay.jsonl";

  private static final Logger LOG = LoggerFactory.getLogger(Pretrainer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Pretrainer() {}

  /**
   * Pretrains and writes the model folder.
   *
   * @param evaluate whether to measure exact-match on the general evaluation set afterwards
   */
  public static PretrainResult run(
      PretrainSettings settings,
      Path folder,
      DeviceChoice deviceChoice,
      boolean evaluate,
      StepListener listener) {
    TrainingRecipe recipe = settings.recipe();
    ModelRuntime.setThreads(recipe.threads());
    Device device = ModelRuntime.device(deviceChoice);
    EngineSetup engine = EngineSetup.current();
    World world =
        World.generate(settings.worldSeed(), settings.worldSize()).atEpoch(settings.worldEpoch());
    GeneralSlice general = world.general();
    ByteTokenizer tokenizer = new ByteTokenizer();
    PackedCorpus corpus =
        new PackedCorpus(
            general.corpus(),
            tokenizer,
            settings.rows(),
            recipe.maxSequenceLength(),
            recipe.gradientAccumulation(),
            recipe.seed());
    DecoderModel shape = DecoderModel.base(settings.config());
    LOG.info(
        "pretraining {} parameters on {} corpus tokens per epoch, {} steps of {} x {} x {} tokens, {} threads, {}",
        shape.baseParameterCount(),
        corpus.tokensPerEpoch(),
        recipe.steps(),
        recipe.gradientAccumulation(),
        settings.rows(),
        recipe.maxSequenceLength(),
        recipe.threads(),
        device);
    try (LanguageModel model =
        LanguageModel.fromWeights(
            settings.config(),
            tokenizer,
            initialWeights(settings, shape),
            device,
            true,
            null,
            settings.name())) {
      TrainingLoop.Outcome outcome = TrainingLoop.run(model, corpus, recipe, listener);
      CheckpointWriter.write(
          folder,
          settings.config(),
          ModelWeights.read(model.decoder()),
          SafetensorsWriter.Dtype.F32);
      double exactMatch = Double.NaN;
      if (evaluate) {
        List<QaPair> evaluation = general.evaluationSet();
        exactMatch =
            ExactMatch.evaluate(
                    model,
                    evaluation.stream().map(QaPair::prompt).toList(),
                    evaluation.stream().map(QaPair::answer).toList(),
                    Generator.Options.shortAnswers())
                .rate();
      }
      String digest = HfCheckpoint.open(folder).digest();
      PretrainResult result =
          new PretrainResult(
              folder,
              digest,
              shape.baseParameterCount(),
              outcome.steps(),
              outcome.tokens(),
              corpus.epochs(),
              outcome.seconds(),
              exactMatch,
              device.toString(),
              engine);
      writeCompanions(folder, settings, general, result);
      return result;
    }
  }

  /** A seeded initialisation, or the weights of the bundled base pretraining continues from. */
  private static Map<String, HostTensor> initialWeights(
      PretrainSettings settings, DecoderModel shape) {
    if (settings.initFrom() == null) {
      return ModelWeights.initialize(shape, settings.initSeed());
    }
    BaseModel start = settings.initFrom().open();
    if (!start.config().equals(settings.config())) {
      throw new ModelException(
          "cannot continue "
              + start.name()
              + " as "
              + settings.name()
              + ": its architecture differs from the settings'");
    }
    Map<String, HostTensor> weights = new LinkedHashMap<>();
    for (String name : shape.baseParameters().keySet()) {
      weights.put(name, start.checkpoint().read(name));
    }
    return weights;
  }

  private static void writeCompanions(
      Path folder, PretrainSettings settings, GeneralSlice general, PretrainResult result) {
    try {
      Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());
      Files.writeString(
          folder.resolve(GENERAL_EVALUATION),
          jsonLines(general.evaluationSet()),
          StandardCharsets.UTF_8);
      StringBuilder replay = new StringBuilder();
      for (String text : general.replaySet()) {
        replay.append(JSON.createObjectNode().put("text", text).toString()).append('\n');
      }
      Files.writeString(folder.resolve(GENERAL_REPLAY), replay.toString(), StandardCharsets.UTF_8);
      Files.writeString(
          folder.resolve(RECORD), JSON.writeValueAsString(record(settings, result)) + "\n");
    } catch (IOException e) {
      throw new ModelException(
          "cannot write the companions of " + folder + ": " + e.getMessage(), e);
    }
  }

  private static String jsonLines(List<QaPair> pairs) {
    StringBuilder lines = new StringBuilder();
    for (QaPair pair : pairs) {
      ObjectNode line = JSON.createObjectNode();
      line.put("question", pair.question());
      line.put("answer", pair.answer());
      line.put("prompt", pair.prompt());
      line.put("completion", pair.completion());
      line.put("fact", pair.fact().key());
      lines.append(line.toString()).append('\n');
    }
    return lines.toString();
  }

  /**
   * The {@code engine} object of {@value #RECORD}: what the weights' bits depend on besides the
   * settings (see {@link EngineSetup}).
   */
  public static ObjectNode engineRecord(EngineSetup setup) {
    ObjectNode engine = JSON.createObjectNode();
    engine.put("djl_version", setup.djlVersion());
    engine.put("pytorch_version", setup.pytorchVersion());
    engine.put("native_library", setup.nativeLibrary());
    engine.put("intra_op_threads", setup.intraOpThreads());
    engine.put("inter_op_threads", setup.interOpThreads());
    engine.put("cpu_vendor", setup.cpuVendor());
    engine.put("cpu_model", setup.cpuModel());
    setup.cpuFlags().forEach(engine.putArray("cpu_flags")::add);
    engine.put("aten_cpu_capability", setup.atenCpuCapability());
    ObjectNode environment = engine.putObject("environment");
    setup.environment().forEach(environment::put);
    return engine;
  }

  private static ObjectNode record(PretrainSettings settings, PretrainResult result) {
    TrainingRecipe recipe = settings.recipe();
    ObjectNode json = JSON.createObjectNode();
    json.put("name", settings.name());
    json.put("digest", result.digest());
    json.put("digest_rule", "sha256 of `sha256sum config.json model.safetensors` output");
    json.put("parameters", result.parameters());
    ObjectNode world = json.putObject("world");
    world.put("seed", settings.worldSeed());
    world.put("products", settings.worldSize().products());
    world.put("places", settings.worldSize().places());
    world.put("persons", settings.worldSize().persons());
    world.put("regulations", settings.worldSize().regulations());
    world.put("documents_per_entity", settings.worldSize().documentsPerEntity());
    world.put("epoch", settings.worldEpoch());
    if (settings.initFrom() == null) {
      json.put("init_seed", settings.initSeed());
    } else {
      ObjectNode init = json.putObject("init_from");
      init.put("name", settings.initFrom().modelName());
      init.put("digest", settings.initFrom().digest());
    }
    ObjectNode training = json.putObject("recipe");
    training.put("steps", recipe.steps());
    training.put("rows", recipe.batchSize());
    training.put("gradient_accumulation", recipe.gradientAccumulation());
    training.put("sequence_length", recipe.maxSequenceLength());
    training.put("learning_rate", recipe.learningRate());
    training.put("warmup_steps", recipe.warmupSteps());
    training.put("min_learning_rate_ratio", recipe.minLearningRateRatio());
    training.put("weight_decay", recipe.weightDecay());
    training.put("max_grad_norm", recipe.maxGradNorm());
    training.put("data_seed", recipe.seed());
    training.put("threads", recipe.threads());
    json.put("device", result.device());
    json.set("engine", engineRecord(result.engine()));
    ObjectNode figures = json.putObject("figures");
    figures.put("tokens", result.tokens());
    figures.put("epochs", result.epochs());
    figures.put("seconds", Math.round(result.seconds()));
    figures.put("first_loss", result.steps().get(0).loss());
    figures.put("final_loss", result.finalLoss());
    figures.put("general_exact_match", result.generalExactMatch());
    json.put(
        "reproduce",
        "perennial pretrain --base "
            + settings.name()
            + " --output DIR (CPU; the same engine, threads, CPU kernels and"
            + " environment as recorded under engine)");
    return json;
  }
}
