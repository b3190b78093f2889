package dev.perennial.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.Digests;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * An adapter's weights in Java memory: A [r, in] and B [out, r] for every adapted module, keyed by
 * module path ({@code model.layers.N.self_attn.q_proj}).
 */
public final class LoraWeights {

  /** PEFT's prefix for a causal LM's modules. */
  public static final String PEFT_PREFIX = "base_model.model.";

  /** One module's pair of matrices. */
  public record Pair(HostTensor a, HostTensor b) {}

  private final LoraConfig config;
  private final Map<String, Pair> modules;

  public LoraWeights(LoraConfig config, Map<String, Pair> modules) {
    this.config = config;
    this.modules = Collections.unmodifiableMap(new TreeMap<>(modules));
  }

  public LoraConfig config() {
    return config;
  }

  /** Module path to weights, sorted by path. */
  public Map<String, Pair> modules() {
    return modules;
  }

  /**
   * These weights with every B drawn from N(0, std²) by a generator seeded with {@code seed}: an
   * adapter that changes the model's outputs, for benchmarks and tests.
   */
  public LoraWeights withRandomB(long seed, double std) {
    Random random = new Random(seed);
    Map<String, Pair> randomized = new LinkedHashMap<>();
    modules.forEach(
        (path, pair) -> {
          float[] b = new float[pair.b().data().length];
          for (int i = 0; i < b.length; i++) {
            b[i] = (float) (random.nextGaussian() * std);
          }
          randomized.put(path, new Pair(pair.a(), new HostTensor(pair.b().shape(), b)));
        });
    return new LoraWeights(config, randomized);
  }

  /**
   * PEFT's initialisation, seeded: A uniform in ±1/sqrt(in) (kaiming-uniform with a = sqrt 5), B
   * zero, so the adapter starts as the identity. Each module's A comes from its own generator
   * seeded by (seed, module path), independent of the engine's random state.
   */
  public static LoraWeights initialize(LlamaConfig model, LoraConfig config, long seed) {
    Map<String, Pair> modules = new LinkedHashMap<>();
    for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
      for (TargetModule module : config.targetModules()) {
        int[] dims = dimensions(model, module);
        int in = dims[0];
        int out = dims[1];
        modules.put(
            module.path(layer),
            new Pair(
                freshA(config.rank(), in, seed, module.path(layer)),
                new HostTensor(new long[] {out, config.rank()}, new float[out * config.rank()])));
      }
    }
    return new LoraWeights(config, modules);
  }

  /**
   * A fresh A [rank, in] of the module at {@code path}: uniform in ±1/sqrt(in), from a generator
   * seeded by (seed, path).
   */
  public static HostTensor freshA(int rank, int in, long seed, String path) {
    Random random = new Random(Digests.derivedSeed(seed, path));
    float bound = (float) (1.0 / Math.sqrt(in));
    float[] a = new float[rank * in];
    for (int i = 0; i < a.length; i++) {
      a[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    return new HostTensor(new long[] {rank, in}, a);
  }

  /** {in, out} of a projection under a model config. */
  public static int[] dimensions(LlamaConfig model, TargetModule module) {
    int hidden = model.hiddenSize();
    int attention = model.numAttentionHeads() * model.headDim();
    int kv = model.numKeyValueHeads() * model.headDim();
    switch (module) {
      case Q:
        return new int[] {hidden, attention};
      case K:
      case V:
        return new int[] {hidden, kv};
      case O:
        return new int[] {attention, hidden};
      case GATE:
      case UP:
        return new int[] {hidden, model.intermediateSize()};
      case DOWN:
        return new int[] {model.intermediateSize(), hidden};
      default:
        throw new IllegalArgumentException(module.name());
    }
  }

  /**
   * Checks these weights against a base model config: every module must be a valid path and have
   * the shapes the base implies. Every problem is reported at once.
   */
  public void checkAgainst(LlamaConfig model) {
    List<String> problems = new ArrayList<>();
    for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
      for (TargetModule module : config.targetModules()) {
        if (!modules.containsKey(module.path(layer))) {
          problems.add("missing " + PEFT_PREFIX + module.path(layer) + ".lora_A/B");
        }
      }
    }
    for (Map.Entry<String, Pair> entry : modules.entrySet()) {
      TargetModule module = moduleOf(entry.getKey(), model, problems);
      if (module == null) {
        continue;
      }
      int[] dims = dimensions(model, module);
      long[] expectedA = {config.rank(), dims[0]};
      long[] expectedB = {dims[1], config.rank()};
      checkShape(problems, entry.getKey() + ".lora_A.weight", entry.getValue().a(), expectedA);
      checkShape(problems, entry.getKey() + ".lora_B.weight", entry.getValue().b(), expectedB);
    }
    if (!problems.isEmpty()) {
      throw new ModelException(
          "adapter does not fit the base model: " + String.join("; ", problems));
    }
  }

  private static void checkShape(
      List<String> problems, String name, HostTensor tensor, long[] expected) {
    if (!Arrays.equals(tensor.shape(), expected)) {
      problems.add(
          PEFT_PREFIX
              + name
              + " has shape "
              + tensor.shapeText()
              + ", the base model needs "
              + Arrays.toString(expected));
    }
  }

  private static TargetModule moduleOf(String path, LlamaConfig model, List<String> problems) {
    for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
      for (TargetModule module : TargetModule.values()) {
        if (module.path(layer).equals(path)) {
          return module;
        }
      }
    }
    problems.add(
        PEFT_PREFIX
            + path
            + " is not a projection of this base model (it has "
            + model.numHiddenLayers()
            + " layers)");
    return null;
  }

  /** Sets the arrays of the model's LoRA layers from these weights; trainable when asked. */
  public void assignTo(DecoderModel model, NDManager manager, boolean trainable) {
    checkAgainst(model.config());
    Map<String, LoraProjection> layers = LoraLayers.find(model);
    if (!layers.keySet().equals(modules.keySet())) {
      throw new ModelException(
          "the model's LoRA layers "
              + layers.keySet()
              + " differ from the adapter's modules "
              + modules.keySet());
    }
    for (Map.Entry<String, LoraProjection> entry : layers.entrySet()) {
      Pair pair = modules.get(entry.getKey());
      assign(entry.getValue().loraA(), pair.a(), entry.getValue().shapeA(), manager, trainable);
      assign(entry.getValue().loraB(), pair.b(), entry.getValue().shapeB(), manager, trainable);
    }
  }

  private static void assign(
      Parameter parameter, HostTensor tensor, Shape shape, NDManager manager, boolean trainable) {
    NDArray array = tensor.toArray(manager);
    if (!array.getShape().equals(shape)) {
      throw new ModelException(
          "LoRA tensor of shape " + array.getShape() + " where " + shape + " is needed");
    }
    parameter.setArray(array);
    parameter.freeze(!trainable);
  }

  /** Reads the current A and B of every LoRA layer of a model. */
  public static LoraWeights readFrom(DecoderModel model, LoraConfig config) {
    Map<String, Pair> modules = new LinkedHashMap<>();
    for (Map.Entry<String, LoraProjection> entry : LoraLayers.find(model).entrySet()) {
      modules.put(
          entry.getKey(),
          new Pair(
              HostTensor.of(entry.getValue().loraA().getArray()),
              HostTensor.of(entry.getValue().loraB().getArray())));
    }
    return new LoraWeights(config, modules);
  }

  /** Tensors by PEFT name ({@code base_model.model.<path>.lora_A.weight}, ...). */
  public Map<String, HostTensor> peftTensors() {
    Map<String, HostTensor> tensors = new TreeMap<>();
    modules.forEach(
        (path, pair) -> {
          tensors.put(PEFT_PREFIX + path + ".lora_A.weight", pair.a());
          tensors.put(PEFT_PREFIX + path + ".lora_B.weight", pair.b());
        });
    return tensors;
  }

  /** Groups PEFT-named tensors into modules; any other tensor name is an error naming it. */
  public static LoraWeights fromPeftTensors(LoraConfig config, Map<String, HostTensor> tensors) {
    Map<String, HostTensor> a = new TreeMap<>();
    Map<String, HostTensor> b = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
      String name = entry.getKey();
      if (name.startsWith(PEFT_PREFIX) && name.endsWith(".lora_A.weight")) {
        a.put(
            name.substring(PEFT_PREFIX.length(), name.length() - ".lora_A.weight".length()),
            entry.getValue());
      } else if (name.startsWith(PEFT_PREFIX) && name.endsWith(".lora_B.weight")) {
        b.put(
            name.substring(PEFT_PREFIX.length(), name.length() - ".lora_B.weight".length()),
            entry.getValue());
      } else {
        problems.add("tensor " + name + " is not a PEFT LoRA weight");
      }
    }
    Map<String, Pair> modules = new LinkedHashMap<>();
    for (String path : a.keySet()) {
      if (!b.containsKey(path)) {
        problems.add("tensor " + PEFT_PREFIX + path + ".lora_B.weight is missing");
      } else {
        modules.put(path, new Pair(a.get(path), b.get(path)));
      }
    }
    for (String path : b.keySet()) {
      if (!a.containsKey(path)) {
        problems.add("tensor " + PEFT_PREFIX + path + ".lora_A.weight is missing");
      }
    }
    // PEFT wraps only the target modules and ignores saved tensors of any other
    for (String path : modules.keySet()) {
      String name = path.substring(path.lastIndexOf('.') + 1);
      for (TargetModule module : TargetModule.values()) {
        if (module.moduleName().equals(name) && !config.targets(module)) {
          problems.add(
              "tensors of "
                  + PEFT_PREFIX
                  + path
                  + " adapt "
                  + name
                  + ", which target_modules does not name");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ModelException("invalid adapter tensors: " + String.join("; ", problems));
    }
    return new LoraWeights(config, modules);
  }
}
