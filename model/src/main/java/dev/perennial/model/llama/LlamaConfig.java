package dev.perennial.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.model.ModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The architecture of a Llama-family decoder as a Hugging Face {@code config.json} describes it.
 *
 * @param attentionBias biases on q, k, v and o ({@code attention_bias}, Llama)
 * @param qkvBias biases on q, k and v only (always on for Qwen2)
 * @param slidingWindow keys further back than this are masked in sliding layers; 0 means no window
 * @param layerTypes how each layer attends: Mistral slides in every layer when it has a window;
 *     Qwen2 in the layers its {@code layer_types} (or {@code use_sliding_window} with {@code
 *     max_window_layers}) name
 * @param bosTokenIds every id of the config's {@code bos_token_id} (a number or a list; the
 *     tokenizer decides whether a sequence starts with one)
 * @param eosTokenIds every id of the config's {@code eos_token_id} (a number or a list)
 */
public record LlamaConfig(
    ModelType modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    int maxPositionEmbeddings,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean qkvBias,
    boolean mlpBias,
    int slidingWindow,
    List<LayerType> layerTypes,
    List<Integer> bosTokenIds,
    List<Integer> eosTokenIds) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public LlamaConfig {
    List<String> problems = new ArrayList<>();
    positive(problems, "vocab_size", vocabSize);
    positive(problems, "hidden_size", hiddenSize);
    positive(problems, "intermediate_size", intermediateSize);
    positive(problems, "num_hidden_layers", numHiddenLayers);
    positive(problems, "num_attention_heads", numAttentionHeads);
    positive(problems, "num_key_value_heads", numKeyValueHeads);
    positive(problems, "head_dim", headDim);
    positive(problems, "max_position_embeddings", maxPositionEmbeddings);
    if (numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads != 0) {
      problems.add(
          "num_attention_heads ("
              + numAttentionHeads
              + ") is not a multiple of num_key_value_heads ("
              + numKeyValueHeads
              + ")");
    }
    if (headDim % 2 != 0) {
      problems.add("head_dim (" + headDim + ") must be even for rotary embeddings");
    }
    if (!(rmsNormEps > 0)) {
      problems.add("rms_norm_eps must be positive, was " + rmsNormEps);
    }
    if (!(ropeTheta > 0)) {
      problems.add("rope_theta must be positive, was " + ropeTheta);
    }
    layerTypes =
        layerTypes == null || layerTypes.isEmpty()
            ? uniformLayers(numHiddenLayers, slidingWindow)
            : List.copyOf(layerTypes);
    bosTokenIds = bosTokenIds == null ? List.of() : List.copyOf(bosTokenIds);
    eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
    if (layerTypes.size() != Math.max(0, numHiddenLayers)) {
      problems.add(
          "layer_types has "
              + layerTypes.size()
              + " entries for "
              + numHiddenLayers
              + " hidden layers");
    }
    if (slidingWindow <= 0 && layerTypes.contains(LayerType.SLIDING_ATTENTION)) {
      problems.add("layer_types names sliding_attention layers but there is no sliding window");
    }
    if (!problems.isEmpty()) {
      throw new ModelException("invalid model config: " + String.join("; ", problems));
    }
  }

  /** Every layer sliding when there is a window (Mistral), otherwise every layer full. */
  private static List<LayerType> uniformLayers(int layers, int slidingWindow) {
    LayerType type = slidingWindow > 0 ? LayerType.SLIDING_ATTENTION : LayerType.FULL_ATTENTION;
    return Collections.nCopies(Math.max(0, layers), type);
  }

  /** The window of one layer: {@link #slidingWindow()} in a sliding layer, 0 (none) otherwise. */
  public int windowOf(int layer) {
    return layerTypes.get(layer) == LayerType.SLIDING_ATTENTION ? slidingWindow : 0;
  }

  /** The first id of {@code bos_token_id}, or -1 when the config names none. */
  public int bosTokenId() {
    return bosTokenIds.isEmpty() ? -1 : bosTokenIds.get(0);
  }

  /** The first id of {@code eos_token_id}, or -1 when the config names none. */
  public int eosTokenId() {
    return eosTokenIds.isEmpty() ? -1 : eosTokenIds.get(0);
  }

  private static void positive(List<String> problems, String key, int value) {
    if (value <= 0) {
      problems.add(key + " must be positive, was " + value);
    }
  }

  /** Query heads per key/value head (grouped-query attention). */
  public int groupSize() {
    return numAttentionHeads / numKeyValueHeads;
  }

  public boolean hasQkvBias() {
    return attentionBias || qkvBias;
  }

  /** Reads {@code config.json}; every problem is reported at once. */
  public static LlamaConfig read(Path configJson) {
    try {
      return fromJson(JSON.readTree(Files.readString(configJson, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new ModelException("cannot read model config " + configJson + ": " + e.getMessage(), e);
    } catch (ModelException e) {
      throw new ModelException(configJson + ": " + e.getMessage(), e);
    }
  }

  /** Builds a config from the JSON of a Hugging Face {@code config.json}. */
  public static LlamaConfig fromJson(JsonNode json) {
    List<String> problems = new ArrayList<>();
    ModelType type = null;
    if (!json.hasNonNull("model_type")) {
      // transformers' AutoConfig refuses such a config as well; it is not taken to be a Llama
      problems.add("model_type is missing: expected llama, mistral or qwen2");
    } else {
      try {
        type = ModelType.parse(json.get("model_type").asText());
      } catch (ModelException e) {
        problems.add(e.getMessage());
      }
    }
    // absent is transformers' default, silu; an explicit null is no activation at all
    String activation = json.has("hidden_act") ? json.get("hidden_act").asText() : "silu";
    if (!"silu".equals(activation)) {
      problems.add("hidden_act '" + activation + "' is not supported: expected silu");
    }
    quantization(json).ifPresent(problems::add);
    int hidden = integer(json, "hidden_size", 0, problems);
    int heads = integer(json, "num_attention_heads", 0, problems);
    // a missing key takes transformers' default for the model type (null: as many as heads)
    int kvHeads =
        json.hasNonNull("num_key_value_heads")
            ? integer(json, "num_key_value_heads", 0, problems)
            : (json.has("num_key_value_heads") || type == null
                ? heads
                : type.defaultKeyValueHeads(heads));
    int headDim =
        json.hasNonNull("head_dim")
            ? integer(json, "head_dim", 0, problems)
            : (heads > 0 ? hidden / heads : 0);
    Rope rope = rope(json, problems);
    int layers = integer(json, "num_hidden_layers", 0, problems);
    int window = 0;
    List<LayerType> layerTypes = List.of();
    if (type != null && layers > 0) {
      try {
        window = slidingWindow(type, json);
        layerTypes = layerTypes(type, json, layers, window);
      } catch (ModelException e) {
        problems.add(e.getMessage());
      }
    }
    int vocab = integer(json, "vocab_size", 0, problems);
    int intermediate = integer(json, "intermediate_size", 0, problems);
    int maxPositions =
        json.hasNonNull("max_position_embeddings")
            ? integer(json, "max_position_embeddings", 0, problems)
            : type == null ? 0 : type.defaultMaxPositions();
    boolean attentionBias = llamaBias(json, "attention_bias", type, problems);
    boolean mlpBias = llamaBias(json, "mlp_bias", type, problems);
    double eps = number(json, "rms_norm_eps", 1e-6, problems);
    List<Integer> bos = ids(json, "bos_token_id", problems);
    List<Integer> eos = ids(json, "eos_token_id", problems);
    if (!problems.isEmpty()) {
      throw new ModelException("invalid model config: " + String.join("; ", problems));
    }
    return new LlamaConfig(
        type,
        vocab,
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        headDim,
        eps,
        rope.theta(),
        rope.scaling(),
        maxPositions,
        json.path("tie_word_embeddings").asBoolean(false),
        attentionBias,
        type == ModelType.QWEN2,
        mlpBias,
        window,
        layerTypes,
        bos,
        eos);
  }

  /**
   * transformers quantises weights (and, for some methods, activations) as {@code
   * quantization_config} says, even where the tensors are stored dense (compressed-tensors' dense
   * format); this decoder computes with the stored weights, so any such config is refused.
   */
  private static Optional<String> quantization(JsonNode json) {
    JsonNode quantization = json.get("quantization_config");
    if (quantization == null || quantization.isNull()) {
      return Optional.empty();
    }
    return Optional.of(
        "quantization_config (quant_method "
            + quantization.path("quant_method").asText("none given")
            + ") is not supported: give the model's unquantised F32, F16 or BF16 weights");
  }

  private record Rope(double theta, RopeScaling scaling) {}

  /**
   * Rotary settings in either convention: transformers v4's top-level {@code rope_theta} and {@code
   * rope_scaling}, or v5's {@code rope_parameters} (theta and scaling in one object). Both present
   * and disagreeing, per-layer-type parameters, or v5's object without a theta are refused by name.
   */
  private static Rope rope(JsonNode json, List<String> problems) {
    JsonNode parameters = json.get("rope_parameters");
    try {
      partialRotaryFactor(json);
      if (parameters != null && parameters.isObject()) {
        partialRotaryFactor(parameters);
      }
      RopeScaling legacyScaling =
          ropeScaling(json.get("rope_scaling"), "rope_scaling", "rope_scaling type");
      if (parameters == null || parameters.isNull()) {
        return new Rope(number(json, "rope_theta", 10000.0), legacyScaling);
      }
      if (!parameters.isObject()) {
        throw new ModelException("rope_parameters is not an object: " + parameters);
      }
      for (JsonNode value : parameters) {
        if (value.isObject()) {
          throw new ModelException(
              "rope_parameters holds parameters per layer type ("
                  + String.join(", ", fieldNames(parameters))
                  + "), which this decoder does not implement");
        }
      }
      if (!parameters.hasNonNull("rope_theta")) {
        throw new ModelException("rope_parameters has no rope_theta");
      }
      double theta = number(parameters, "rope_theta", 0);
      RopeScaling scaling = ropeScaling(parameters, "rope_parameters", "rope_parameters rope_type");
      if (json.hasNonNull("rope_theta") && json.get("rope_theta").asDouble() != theta) {
        throw new ModelException(
            "rope_theta ("
                + json.get("rope_theta").asDouble()
                + ") disagrees with rope_parameters.rope_theta ("
                + theta
                + ")");
      }
      if (json.hasNonNull("rope_scaling") && !legacyScaling.equals(scaling)) {
        throw new ModelException(
            "rope_scaling ("
                + legacyScaling
                + ") disagrees with rope_parameters ("
                + scaling
                + ")");
      }
      return new Rope(theta, scaling);
    } catch (ModelException e) {
      problems.add(e.getMessage());
      return new Rope(10000.0, RopeScaling.NONE);
    }
  }

  /**
   * transformers rotates only {@code partial_rotary_factor} of each head's dimensions (v4 reads it
   * at the top level, v5 in {@code rope_parameters}); this decoder rotates all of them.
   */
  private static void partialRotaryFactor(JsonNode node) {
    JsonNode factor = node.get("partial_rotary_factor");
    if (factor != null && !factor.isNull() && factor.asDouble() != 1.0) {
      throw new ModelException(
          "partial_rotary_factor " + factor + " is not supported: every dimension is rotated");
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * The window size: Mistral's {@code sliding_window} (null means none; an absent key means
   * transformers' default, 4096); Qwen2's only when {@code use_sliding_window} is true
   * (transformers sets it to None otherwise); Llama has none.
   */
  private static int slidingWindow(ModelType type, JsonNode json) {
    JsonNode window = json.get("sliding_window");
    boolean hasWindow = window != null && !window.isNull();
    if (hasWindow
        && (!window.isIntegralNumber() || !window.canConvertToInt() || window.asInt() <= 0)) {
      throw new ModelException("sliding_window must be a positive integer, was " + window);
    }
    int size = hasWindow ? window.asInt() : window == null ? type.defaultSlidingWindow() : 0;
    switch (type) {
      case MISTRAL:
        return size;
      case QWEN2:
        if (!json.path("use_sliding_window").asBoolean(false)) {
          return 0;
        }
        if (size == 0) {
          throw new ModelException("use_sliding_window is true but sliding_window is null");
        }
        return size;
      default:
        return 0;
    }
  }

  /**
   * Which layers slide. Qwen2: {@code layer_types} when given, otherwise the layers from {@code
   * max_window_layers} (default 28) on when there is a window, as transformers' Qwen2Config derives
   * them. Llama and Mistral do not read {@code layer_types}: a sliding entry there is refused
   * rather than guessed at.
   */
  private static List<LayerType> layerTypes(ModelType type, JsonNode json, int layers, int window) {
    JsonNode given = json.get("layer_types");
    List<LayerType> types = new ArrayList<>();
    if (given != null && !given.isNull()) {
      if (!given.isArray()) {
        throw new ModelException("layer_types is not a list: " + given);
      }
      for (JsonNode entry : given) {
        types.add(LayerType.parse(entry.asText()));
      }
      if (type != ModelType.QWEN2 && types.contains(LayerType.SLIDING_ATTENTION)) {
        throw new ModelException(
            "layer_types names sliding_attention layers, which transformers does not read for"
                + " model_type "
                + type.hfName());
      }
      if (type == ModelType.QWEN2 && window == 0 && types.contains(LayerType.SLIDING_ATTENTION)) {
        throw new ModelException(
            "layer_types names sliding_attention layers but use_sliding_window is not true");
      }
      if (type != ModelType.QWEN2) {
        return List.of();
      }
      return types;
    }
    if (type != ModelType.QWEN2) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    int firstSliding =
        json.has("max_window_layers") ? integer(json, "max_window_layers", 0, problems) : 28;
    if (!problems.isEmpty()) {
      throw new ModelException(problems.get(0));
    }
    for (int i = 0; i < layers; i++) {
      types.add(
          window > 0 && i >= firstSliding ? LayerType.SLIDING_ATTENTION : LayerType.FULL_ATTENTION);
    }
    return types;
  }

  private static RopeScaling ropeScaling(JsonNode node, String key, String label) {
    if (node == null || node.isNull()) {
      return RopeScaling.NONE;
    }
    if (!node.has("rope_type") && !node.has("type")) {
      // transformers v4 fails on such scaling, v5 reads it as none: neither is guessed
      List<String> scalingKeys = fieldNames(node);
      scalingKeys.removeAll(List.of("rope_theta", "partial_rotary_factor"));
      if (!scalingKeys.isEmpty()) {
        throw new ModelException(
            key + " has no rope_type (nor type) for its " + String.join(", ", scalingKeys));
      }
      return RopeScaling.NONE;
    }
    String type =
        node.has("rope_type") ? node.get("rope_type").asText() : node.get("type").asText();
    switch (type) {
      case "default":
        return RopeScaling.NONE;
      case "linear":
        return new RopeScaling("linear", required(node, label, type, "factor"), 1, 1, 0);
      case "llama3":
        return new RopeScaling(
            "llama3",
            required(node, label, type, "factor"),
            required(node, label, type, "low_freq_factor"),
            required(node, label, type, "high_freq_factor"),
            (int) required(node, label, type, "original_max_position_embeddings"));
      default:
        throw new ModelException(
            label + " '" + type + "' is not supported: expected default, linear or llama3");
    }
  }

  /** A number the scaling needs; transformers has no default for it either, so none is guessed. */
  private static double required(JsonNode node, String label, String type, String key) {
    if (!node.path(key).isNumber()) {
      throw new ModelException(
          label + " '" + type + "' needs a number " + key + ", was " + node.path(key));
    }
    return node.get(key).asDouble();
  }

  /**
   * A number, or {@code fallback} when the key is absent; null or text is refused (Jackson's {@code
   * asDouble} would return the fallback for null and parse text, where transformers fails).
   */
  private static double number(JsonNode json, String key, double fallback) {
    JsonNode node = json.get(key);
    if (node == null) {
      return fallback;
    }
    if (!node.isNumber()) {
      throw new ModelException(key + " is not a number: " + node);
    }
    return node.asDouble();
  }

  private static double number(JsonNode json, String key, double fallback, List<String> problems) {
    try {
      return number(json, key, fallback);
    } catch (ModelException e) {
      problems.add(e.getMessage());
      return fallback;
    }
  }

  private static int integer(JsonNode json, String key, int fallback, List<String> problems) {
    JsonNode node = json.get(key);
    if (node == null) {
      problems.add(key + " is missing");
      return fallback;
    }
    // not canConvertToInt alone: it takes 32.5 for 32 (and null for 0)
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      problems.add(key + " is not an integer: " + node);
      return fallback;
    }
    return node.asInt();
  }

  /**
   * A token id or a list of them ({@code bos_token_id}, {@code eos_token_id}); an entry that is not
   * an integer (null in a list, a token's text) is refused, not read as id 0.
   */
  private static List<Integer> ids(JsonNode json, String key, List<String> problems) {
    List<JsonNode> notIds = new ArrayList<>();
    List<Integer> ids = TokenIds.read(json.get(key), notIds);
    notIds.forEach(id -> problems.add(key + " holds " + id + ", which is not a token id"));
    return ids;
  }

  /**
   * Llama's {@code attention_bias} or {@code mlp_bias}. transformers' Mistral and Qwen2 have no
   * such switch (Qwen2's q, k and v always have biases), so true there is refused, not built.
   */
  private static boolean llamaBias(
      JsonNode json, String key, ModelType type, List<String> problems) {
    boolean value = json.path(key).asBoolean(false);
    if (value && type != null && type != ModelType.LLAMA) {
      problems.add(
          key + " is true, which transformers does not read for model_type " + type.hfName());
      return false;
    }
    return value;
  }

  /** The config as Hugging Face writes it (keys transformers reads for this model type). */
  public ObjectNode toJson() {
    ObjectNode json = JSON.createObjectNode();
    json.putArray("architectures").add(modelType.architecture());
    json.put("model_type", modelType.hfName());
    json.put("vocab_size", vocabSize);
    json.put("hidden_size", hiddenSize);
    json.put("intermediate_size", intermediateSize);
    json.put("num_hidden_layers", numHiddenLayers);
    json.put("num_attention_heads", numAttentionHeads);
    json.put("num_key_value_heads", numKeyValueHeads);
    json.put("head_dim", headDim);
    json.put("hidden_act", "silu");
    json.put("rms_norm_eps", rmsNormEps);
    json.put("rope_theta", ropeTheta);
    if (RopeScaling.NONE.equals(ropeScaling)) {
      json.putNull("rope_scaling");
    } else {
      ObjectNode scaling = json.putObject("rope_scaling");
      scaling.put("rope_type", ropeScaling.type());
      scaling.put("factor", ropeScaling.factor());
      if ("llama3".equals(ropeScaling.type())) {
        scaling.put("low_freq_factor", ropeScaling.lowFreqFactor());
        scaling.put("high_freq_factor", ropeScaling.highFreqFactor());
        scaling.put(
            "original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
      }
    }
    json.put("max_position_embeddings", maxPositionEmbeddings);
    json.put("tie_word_embeddings", tieWordEmbeddings);
    if (modelType == ModelType.LLAMA) {
      json.put("attention_bias", attentionBias);
      json.put("mlp_bias", mlpBias);
    }
    if (slidingWindow == 0 && modelType == ModelType.MISTRAL) {
      json.putNull("sliding_window"); // an absent key would be MistralConfig's 4096
    }
    if (slidingWindow > 0) {
      json.put("sliding_window", slidingWindow);
      if (modelType == ModelType.QWEN2) {
        json.put("use_sliding_window", true);
        layerTypes.forEach(type -> json.withArray("layer_types").add(type.hfName()));
      }
    }
    putIds(json, "bos_token_id", bosTokenIds);
    putIds(json, "eos_token_id", eosTokenIds);
    json.put("torch_dtype", "float32");
    return json;
  }

  /** Writes {@link #toJson()} as {@code config.json} text. */
  public void write(Path configJson) {
    try {
      Files.writeString(
          configJson, JSON.writeValueAsString(toJson()) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelException("cannot write model config " + configJson, e);
    }
  }

  /**
   * A Llama config with no biases, no rope scaling and no window: what tests and the tiny base use.
   */
  public static LlamaConfig llama(
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int layers,
      int heads,
      int kvHeads,
      int maxPositions,
      boolean tied) {
    return new LlamaConfig(
        ModelType.LLAMA,
        vocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        heads,
        kvHeads,
        hiddenSize / heads,
        1e-5,
        10000.0,
        RopeScaling.NONE,
        maxPositions,
        tied,
        false,
        false,
        false,
        0,
        List.of(),
        List.of(),
        List.of());
  }

  /** One id as a number, several as the list they were read as, none as no key. */
  private static void putIds(ObjectNode json, String key, List<Integer> ids) {
    if (ids.size() == 1) {
      json.put(key, ids.get(0));
    } else if (ids.size() > 1) {
      ids.forEach(id -> json.withArray(key).add(id));
    }
  }

  /** This config with other special token ids. */
  public LlamaConfig withSpecialTokens(int bos, int eos) {
    return new LlamaConfig(
        modelType,
        vocabSize,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        headDim,
        rmsNormEps,
        ropeTheta,
        ropeScaling,
        maxPositionEmbeddings,
        tieWordEmbeddings,
        attentionBias,
        qkvBias,
        mlpBias,
        slidingWindow,
        layerTypes,
        bos < 0 ? List.of() : List.of(bos),
        eos < 0 ? List.of() : List.of(eos));
  }
}
