package dev.perennial.model.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraLayers;
import dev.perennial.model.lora.LoraProjection;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A decoder with its weights on a device, ready to train or score: the model's manager owns every
 * parameter array, and closing the model frees them. Passes create their own sub-managers.
 */
public final class LanguageModel implements AutoCloseable {

  private final NDManager manager;
  private final DecoderModel decoder;
  private final ParameterStore parameterStore;
  private final TextTokenizer tokenizer;
  private final String baseName;
  private final String baseDigest;
  private final LoraConfig loraConfig;

  private LanguageModel(
      NDManager manager,
      DecoderModel decoder,
      TextTokenizer tokenizer,
      String baseName,
      String baseDigest,
      LoraConfig loraConfig) {
    this.manager = manager;
    this.decoder = decoder;
    this.parameterStore = new ParameterStore(manager, false);
    this.tokenizer = tokenizer;
    this.baseName = baseName;
    this.baseDigest = baseDigest;
    this.loraConfig = loraConfig;
  }

  /** The base alone, frozen. */
  public static LanguageModel load(BaseModel base, Device device) {
    return load(base, device, null, false);
  }

  /**
   * The base with LoRA layers holding the given adapter weights (which must fit the base: the
   * caller checks the digest through {@link #loadAdapter}).
   *
   * @param lora the adapter weights, or null for the base alone
   * @param trainable whether the LoRA weights take gradients (the base never does)
   */
  public static LanguageModel load(
      BaseModel base, Device device, LoraWeights lora, boolean trainable) {
    return load(base, device, lora, trainable, BasePrecision.FLOAT32);
  }

  /**
   * As {@link #load(BaseModel, Device, LoraWeights, boolean)}, the base's projection weights held
   * in {@code precision}.
   */
  public static LanguageModel load(
      BaseModel base, Device device, LoraWeights lora, boolean trainable, BasePrecision precision) {
    NDManager manager = ModelRuntime.engine().newBaseManager(device);
    try {
      LlamaConfig config = base.config();
      DecoderModel decoder =
          lora == null
              ? DecoderModel.base(config)
              : new DecoderModel(config, LoraLayers.wrapper(lora.config()));
      ModelWeights.load(decoder, base.checkpoint(), manager, false, precision);
      if (lora != null) {
        lora.assignTo(decoder, manager, trainable);
      }
      return new LanguageModel(
          manager,
          decoder,
          base.tokenizer(),
          base.name(),
          base.digest(),
          lora == null ? null : lora.config());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The base with a PEFT adapter, refused when the adapter was trained on another base. */
  public static LanguageModel loadAdapter(
      BaseModel base, Device device, PeftAdapter adapter, boolean trainable) {
    adapter.checkFits(base.name(), base.digest(), base.config());
    return load(base, device, adapter.weights(), trainable);
  }

  /**
   * A model from in-memory weights (pretraining, tests): every base weight trainable when asked.
   *
   * @param lora LoRA weights or null
   */
  public static LanguageModel fromWeights(
      LlamaConfig config,
      TextTokenizer tokenizer,
      Map<String, HostTensor> weights,
      Device device,
      boolean baseTrainable,
      LoraWeights lora,
      String name) {
    return fromWeights(
        config, tokenizer, weights, device, baseTrainable, lora, name, BasePrecision.FLOAT32);
  }

  /**
   * As {@link #fromWeights(LlamaConfig, TextTokenizer, Map, Device, boolean, LoraWeights, String)},
   * a frozen base's projection weights held in {@code precision}.
   */
  public static LanguageModel fromWeights(
      LlamaConfig config,
      TextTokenizer tokenizer,
      Map<String, HostTensor> weights,
      Device device,
      boolean baseTrainable,
      LoraWeights lora,
      String name,
      BasePrecision precision) {
    NDManager manager = ModelRuntime.engine().newBaseManager(device);
    try {
      DecoderModel decoder =
          lora == null
              ? DecoderModel.base(config)
              : new DecoderModel(config, LoraLayers.wrapper(lora.config()));
      ModelWeights.load(decoder, weights, manager, baseTrainable, precision);
      if (lora != null) {
        lora.assignTo(decoder, manager, !baseTrainable);
      }
      return new LanguageModel(
          manager, decoder, tokenizer, name, null, lora == null ? null : lora.config());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public DecoderModel decoder() {
    return decoder;
  }

  public LlamaConfig config() {
    return decoder.config();
  }

  public NDManager manager() {
    return manager;
  }

  public Device device() {
    return manager.getDevice();
  }

  public ParameterStore parameterStore() {
    return parameterStore;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public String baseName() {
    return baseName;
  }

  /** The base's digest, or null for in-memory weights. */
  public String baseDigest() {
    return baseDigest;
  }

  /** The LoRA config, or null when the model has no LoRA layers. */
  public LoraConfig loraConfig() {
    return loraConfig;
  }

  /** Parameters that take gradients, in a fixed order (base names, then LoRA A/B by module). */
  public List<Parameter> trainableParameters() {
    List<Parameter> trainable = new ArrayList<>();
    for (Parameter parameter : decoder.baseParameters().values()) {
      if (parameter.requiresGradient()) {
        trainable.add(parameter);
      }
    }
    for (LoraProjection layer : LoraLayers.find(decoder).values()) {
      if (layer.loraA().requiresGradient()) {
        trainable.add(layer.loraA());
        trainable.add(layer.loraB());
      }
    }
    return trainable;
  }

  /** Names of {@link #trainableParameters()}, in the same order (Hugging Face / PEFT names). */
  public List<String> trainableParameterNames() {
    List<String> names = new ArrayList<>();
    decoder
        .baseParameters()
        .forEach(
            (name, parameter) -> {
              if (parameter.requiresGradient()) {
                names.add(name);
              }
            });
    LoraLayers.find(decoder)
        .forEach(
            (path, layer) -> {
              if (layer.loraA().requiresGradient()) {
                names.add(path + ".lora_A.weight");
                names.add(path + ".lora_B.weight");
              }
            });
    return names;
  }

  /** The current LoRA weights copied to Java memory. */
  public LoraWeights loraWeights() {
    if (loraConfig == null) {
      throw new ModelException("this model has no LoRA layers");
    }
    return LoraWeights.readFrom(decoder, loraConfig);
  }

  /** The current LoRA weights as a PEFT adapter of this model's base. */
  public PeftAdapter adapter() {
    return new PeftAdapter(loraWeights(), baseName, baseDigest);
  }

  /** Number of arrays the model's manager holds: constant across passes when nothing leaks. */
  public int liveArrayCount() {
    return manager.getManagedArrays().size();
  }

  @Override
  public void close() {
    manager.close();
  }
}
