package dev.perennial.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.CheckpointWriter;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config conventions that used to be read silently wrong, on checkpoints written here in Hugging
 * Face layout: transformers v5's {@code rope_parameters}, and Qwen2's {@code use_sliding_window} /
 * {@code max_window_layers} / {@code layer_types}.
 */
class ForeignConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long[][] TOKENS = {{257, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110}};
  private static final long[][] TOKEN_ZERO_CHANGED = {
    {257, 99, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110}
  };

  @TempDir Path folder;

  @Test
  void transformersV5RopeParametersGiveTheSameModelAsV4sRopeThetaAndScaling() throws IOException {
    LlamaConfig llama31 =
        LlamaConfig.fromJson(
            JSON.readTree(
                "{\"model_type\":\"llama\",\"vocab_size\":259,\"hidden_size\":32,"
                    + "\"intermediate_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                    + "\"num_key_value_heads\":2,\"rope_theta\":500000.0,\"rope_scaling\":{\"rope_type\":"
                    + "\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                    + "\"original_max_position_embeddings\":16},\"bos_token_id\":257,\"eos_token_id\":258}"));
    Map<String, HostTensor> weights = TestModels.randomWeights(llama31, 3);
    ObjectNode v5 = llama31.toJson();
    ObjectNode parameters = JSON.createObjectNode();
    parameters.put("rope_type", "llama3");
    parameters.put("rope_theta", 500000.0);
    parameters.put("factor", 8.0);
    parameters.put("low_freq_factor", 1.0);
    parameters.put("high_freq_factor", 4.0);
    parameters.put("original_max_position_embeddings", 16);
    v5.remove("rope_theta");
    v5.remove("rope_scaling");
    v5.set("rope_parameters", parameters);
    BaseModel base = writeBase(llama31, weights, v5);

    assertThat(base.config()).isEqualTo(llama31);
    float[] expected = logits(llama31, weights);
    try (LanguageModel loaded = LanguageModel.load(base, Device.cpu())) {
      assertThat(TestModels.logits(loaded, TOKENS)).containsExactly(expected);
    }
    // what reading past rope_parameters gave: theta 10000, no scaling
    LlamaConfig ignored = withRope(llama31, 10000.0, RopeScaling.NONE);
    assertThat(logits(ignored, weights)).isNotEqualTo(expected);
  }

  @Test
  void ropeParametersThatCannotBeReadUnambiguouslyAreRefusedByName() {
    ObjectNode perLayerType = TestModels.tinyLlama(true).toJson();
    perLayerType.remove("rope_theta");
    perLayerType
        .putObject("rope_parameters")
        .putObject("full_attention")
        .put("rope_type", "default")
        .put("rope_theta", 10000.0);
    ObjectNode disagreeing = TestModels.tinyLlama(true).toJson();
    disagreeing.put("rope_theta", 10000.0);
    disagreeing.putObject("rope_parameters").put("rope_type", "default").put("rope_theta", 1e6);
    ObjectNode noTheta = TestModels.tinyLlama(true).toJson();
    noTheta.putObject("rope_parameters").put("rope_type", "default");
    ObjectNode yarn = TestModels.tinyLlama(true).toJson();
    yarn.putObject("rope_parameters").put("rope_type", "yarn").put("rope_theta", 1e6);

    assertRefused(perLayerType, "rope_parameters holds parameters per layer type (full_attention)");
    assertRefused(disagreeing, "rope_theta (10000.0) disagrees with rope_parameters.rope_theta");
    assertRefused(noTheta, "rope_parameters has no rope_theta");
    assertRefused(yarn, "rope_parameters rope_type 'yarn' is not supported");
    ObjectNode dynamic = TestModels.tinyLlama(true).toJson();
    dynamic.putObject("rope_scaling").put("type", "dynamic").put("factor", 2.0);
    assertRefused(dynamic, "rope_scaling type 'dynamic' is not supported");
    // llama3 and linear scaling without their numbers: refused, not filled in with Llama 3.1's
    ObjectNode llama3WithoutFactors = TestModels.tinyLlama(true).toJson();
    llama3WithoutFactors.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0);
    assertRefused(
        llama3WithoutFactors, "rope_scaling type 'llama3' needs a number low_freq_factor");
    ObjectNode linearWithoutFactor = TestModels.tinyLlama(true).toJson();
    linearWithoutFactor
        .putObject("rope_parameters")
        .put("rope_type", "linear")
        .put("rope_theta", 10000.0);
    assertRefused(linearWithoutFactor, "rope_parameters rope_type 'linear' needs a number factor");
  }

  @Test
  void qwen2SlidesOnlyInTheLayersFromMaxWindowLayersOn() throws IOException {
    LlamaConfig full = TestModels.tinyQwen2();
    Map<String, HostTensor> weights = TestModels.randomWeights(full, 8);
    ObjectNode json = full.toJson();
    json.put("use_sliding_window", true);
    json.put("sliding_window", 2);
    json.put("max_window_layers", 1);
    BaseModel base = writeBase(full, weights, json);

    assertThat(base.config().layerTypes())
        .containsExactly(LayerType.FULL_ATTENTION, LayerType.SLIDING_ATTENTION);
    float[] logits;
    float[] changed;
    try (LanguageModel loaded = LanguageModel.load(base, Device.cpu())) {
      logits = TestModels.logits(loaded, TOKENS);
      changed = TestModels.logits(loaded, TOKEN_ZERO_CHANGED);
    }
    int vocab = full.vocabSize();
    int last = TOKENS[0].length - 1;
    // layer 0 attends to everything, so the last position still depends on token 1 ...
    assertThat(slice(logits, last, vocab)).isNotEqualTo(slice(changed, last, vocab));
    // ... which a model sliding in every layer (how use_sliding_window was read before) hides
    LlamaConfig slidingEverywhere = withLayers(full, 2, List.of());
    float[] everywhere = logits(slidingEverywhere, weights);
    float[] everywhereChanged = logits(slidingEverywhere, weights, TOKEN_ZERO_CHANGED);
    assertThat(slice(everywhere, last, vocab)).isEqualTo(slice(everywhereChanged, last, vocab));
    // and layer 1 does slide: the result is not the full-attention model's
    assertThat(slice(logits, last, vocab)).isNotEqualTo(slice(logits(full, weights), last, vocab));
    // layer_types saying the same thing gives the same model
    ObjectNode explicit = full.toJson();
    explicit.put("use_sliding_window", true);
    explicit.put("sliding_window", 2);
    explicit.putArray("layer_types").add("full_attention").add("sliding_attention");
    assertThat(LlamaConfig.fromJson(explicit)).isEqualTo(base.config());
  }

  @Test
  void slidingSettingsThatContradictEachOtherAreRefusedByName() {
    ObjectNode withoutWindow = TestModels.tinyQwen2().toJson();
    withoutWindow.putArray("layer_types").add("full_attention").add("sliding_attention");
    ObjectNode unknownType = TestModels.tinyQwen2().toJson();
    unknownType.putArray("layer_types").add("full_attention").add("chunked_attention");
    ObjectNode wrongLength = TestModels.tinyQwen2().toJson();
    wrongLength.put("use_sliding_window", true).put("sliding_window", 4);
    wrongLength.putArray("layer_types").add("full_attention");
    ObjectNode llama = TestModels.tinyLlama(true).toJson();
    llama.put("sliding_window", 4);
    llama.putArray("layer_types").add("sliding_attention").add("full_attention");

    assertRefused(
        withoutWindow, "layer_types names sliding_attention layers but use_sliding_window");
    assertRefused(unknownType, "layer_types entry 'chunked_attention' is not supported");
    assertRefused(wrongLength, "layer_types has 1 entries for 2 hidden layers");
    assertRefused(llama, "transformers does not read for model_type llama");
  }

  @Test
  void everyEndOfSequenceIdOfAListIsKept() throws IOException {
    LlamaConfig config =
        LlamaConfig.fromJson(
            JSON.readTree(
                "{\"model_type\":\"llama\",\"vocab_size\":300,\"hidden_size\":32,\"intermediate_size\":64,"
                    + "\"num_hidden_layers\":1,\"num_attention_heads\":4,\"eos_token_id\":[128001,128008,128009]}"));

    assertThat(config.eosTokenIds()).containsExactly(128001, 128008, 128009);
    assertThat(LlamaConfig.fromJson(config.toJson())).isEqualTo(config);
  }

  @Test
  void everyBeginningOfSequenceIdOfAListIsKeptAndWrittenBack() throws IOException {
    ObjectNode json =
        (ObjectNode)
            JSON.readTree(
                "{\"model_type\":\"llama\",\"vocab_size\":300,\"hidden_size\":32,\"intermediate_size\":64,"
                    + "\"num_hidden_layers\":1,\"num_attention_heads\":4,\"bos_token_id\":[256,257]}");
    LlamaConfig config = LlamaConfig.fromJson(json);

    assertThat(config.bosTokenId()).isEqualTo(256);
    assertThat(config.toJson().get("bos_token_id")).isEqualTo(json.get("bos_token_id"));
    assertThat(LlamaConfig.fromJson(config.toJson())).isEqualTo(config);
  }

  @Test
  void biasesTransformersDoesNotReadForTheModelTypeAreRefusedNotBuilt() {
    // Qwen2 and Mistral attention has no attention_bias / mlp_bias switch in transformers
    ObjectNode qwen2 = TestModels.tinyQwen2().toJson();
    qwen2.put("attention_bias", true);
    ObjectNode mistral = mistral();
    mistral.put("mlp_bias", true);

    assertRefused(
        qwen2, "attention_bias is true, which transformers does not read for model_type qwen2");
    assertRefused(
        mistral, "mlp_bias is true, which transformers does not read for model_type mistral");
    // false is what transformers builds anyway
    ObjectNode unbiased = mistral();
    unbiased.put("attention_bias", false).put("mlp_bias", false);
    assertThat(LlamaConfig.fromJson(unbiased).hasQkvBias()).isFalse();
  }

  @Test
  void tokenIdsThatAreNotIntegersAreRefusedNotReadAsZero() {
    ObjectNode nullInList = TestModels.tinyLlama(true).toJson();
    nullInList.putArray("eos_token_id").add(258).addNull();
    ObjectNode text = TestModels.tinyLlama(true).toJson();
    text.put("bos_token_id", "<s>");

    assertRefused(nullInList, "eos_token_id holds null, which is not a token id");
    assertRefused(text, "bos_token_id holds \"<s>\", which is not a token id");
  }

  @Test
  void ropeScalingWithoutItsTypeIsRefusedNotReadAsNone() {
    // transformers v4 fails on it; v5 would read its factor as no scaling
    ObjectNode untyped = TestModels.tinyLlama(true).toJson();
    untyped.putObject("rope_scaling").put("factor", 4.0);
    ObjectNode untypedV5 = TestModels.tinyLlama(true).toJson();
    untypedV5.remove("rope_theta");
    untypedV5.putObject("rope_parameters").put("rope_theta", 1e6).put("factor", 4.0);

    assertRefused(untyped, "rope_scaling has no rope_type (nor type) for its factor");
    assertRefused(untypedV5, "rope_parameters has no rope_type (nor type) for its factor");
    // theta alone is no scaling
    ObjectNode thetaOnly = TestModels.tinyLlama(true).toJson();
    thetaOnly.remove("rope_theta");
    thetaOnly.putObject("rope_parameters").put("rope_theta", 1e6);
    assertThat(LlamaConfig.fromJson(thetaOnly).ropeScaling()).isEqualTo(RopeScaling.NONE);
  }

  @Test
  void aPartialRotaryFactorIsRefusedNotRotatedInFull() {
    // transformers reads partial_rotary_factor (v4 top level, v5 in rope_parameters); this
    // decoder rotates every dimension of a head
    ObjectNode v4 = TestModels.tinyLlama(true).toJson();
    v4.put("partial_rotary_factor", 0.5);
    ObjectNode v5 = TestModels.tinyLlama(true).toJson();
    v5.remove("rope_theta");
    v5.putObject("rope_parameters")
        .put("rope_type", "default")
        .put("rope_theta", 1e4)
        .put("partial_rotary_factor", 0.5);

    assertRefused(v4, "partial_rotary_factor 0.5 is not supported: every dimension is rotated");
    assertRefused(v5, "partial_rotary_factor 0.5 is not supported: every dimension is rotated");
    ObjectNode whole = TestModels.tinyLlama(true).toJson();
    whole.put("partial_rotary_factor", 1.0);
    assertThat(LlamaConfig.fromJson(whole)).isEqualTo(TestModels.tinyLlama(true));
  }

  @Test
  void aShapeThatIsNotAnIntegerIsRefusedNotTruncated() {
    ObjectNode fractional = TestModels.tinyLlama(true).toJson();
    fractional.put("hidden_size", 32.5);
    ObjectNode nullWindowLayers = TestModels.tinyQwen2().toJson();
    nullWindowLayers.put("use_sliding_window", true).put("sliding_window", 4);
    nullWindowLayers.putNull("max_window_layers");

    assertRefused(fractional, "hidden_size is not an integer: 32.5");
    assertRefused(nullWindowLayers, "max_window_layers is not an integer: null");
    ObjectNode fractionalWindow = TestModels.tinyQwen2().toJson();
    fractionalWindow.put("use_sliding_window", true).put("sliding_window", 4.5);
    assertRefused(fractionalWindow, "sliding_window must be a positive integer, was 4.5");
  }

  @Test
  void aQuantizationConfigIsRefusedByNameNotReadAsDenseWeights() {
    // compressed-tensors' dense format keeps F16/BF16 weights under their usual names, yet
    // transformers quantises them (and the activations) as quantization_config says
    ObjectNode dense = TestModels.tinyLlama(true).toJson();
    dense
        .putObject("quantization_config")
        .put("quant_method", "compressed-tensors")
        .put("format", "dense")
        .putObject("config_groups")
        .putObject("group_0")
        .putObject("input_activations")
        .put("num_bits", 8)
        .put("type", "int");

    assertRefused(dense, "quantization_config (quant_method compressed-tensors) is not supported");
    ObjectNode none = TestModels.tinyLlama(true).toJson();
    none.putNull("quantization_config");
    assertThat(LlamaConfig.fromJson(none)).isEqualTo(TestModels.tinyLlama(true));
  }

  @Test
  void aNullOrTextualNumberIsRefusedNotReadAsTheDefault() {
    // transformers fails on eps None (x + None) or a string; neither is the default 1e-6
    ObjectNode nullEps = TestModels.tinyLlama(true).toJson();
    nullEps.putNull("rms_norm_eps");
    ObjectNode textEps = TestModels.tinyLlama(true).toJson();
    textEps.put("rms_norm_eps", "1e-5");
    ObjectNode nullTheta = TestModels.tinyLlama(true).toJson();
    nullTheta.putNull("rope_theta");

    assertRefused(nullEps, "rms_norm_eps is not a number: null");
    assertRefused(textEps, "rms_norm_eps is not a number: \"1e-5\"");
    assertRefused(nullTheta, "rope_theta is not a number: null");
  }

  @Test
  void aNullHiddenActIsRefusedNotReadAsSilu() {
    // transformers looks None up among its activations and fails
    ObjectNode nullActivation = TestModels.tinyLlama(true).toJson();
    nullActivation.putNull("hidden_act");

    assertRefused(nullActivation, "hidden_act 'null' is not supported: expected silu");
  }

  private static ObjectNode mistral() {
    ObjectNode json = TestModels.tinyLlama(false).toJson();
    json.put("model_type", "mistral");
    json.remove("attention_bias");
    json.remove("mlp_bias");
    return json;
  }

  private BaseModel writeBase(LlamaConfig config, Map<String, HostTensor> weights, ObjectNode json)
      throws IOException {
    CheckpointWriter.write(folder, config, weights, SafetensorsWriter.Dtype.F32);
    Files.writeString(folder.resolve("config.json"), json.toPrettyString());
    Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());
    return BaseModel.open(folder);
  }

  private static float[] logits(LlamaConfig config, Map<String, HostTensor> weights) {
    return logits(config, weights, TOKENS);
  }

  private static float[] logits(LlamaConfig config, Map<String, HostTensor> weights, long[][] ids) {
    try (LanguageModel model = TestModels.model(config, weights, null)) {
      return TestModels.logits(model, ids);
    }
  }

  private static float[] slice(float[] logits, int position, int vocab) {
    return java.util.Arrays.copyOfRange(logits, position * vocab, (position + 1) * vocab);
  }

  /** {@code json} is refused as a model config, by a message that names the problem. */
  private static void assertRefused(ObjectNode json, String problem) {
    assertThatThrownBy(() -> LlamaConfig.fromJson(json))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(problem);
  }

  private static LlamaConfig withRope(LlamaConfig c, double theta, RopeScaling scaling) {
    return copy(c, theta, scaling, c.slidingWindow(), c.layerTypes(), ByteTokenizer.BOS);
  }

  private static LlamaConfig withLayers(LlamaConfig c, int window, List<LayerType> types) {
    return copy(c, c.ropeTheta(), c.ropeScaling(), window, types, c.bosTokenId());
  }

  /** {@code c} with the given rope, sliding and BOS settings. */
  private static LlamaConfig copy(
      LlamaConfig c,
      double theta,
      RopeScaling scaling,
      int window,
      List<LayerType> types,
      int bos) {
    return new LlamaConfig(
        c.modelType(),
        c.vocabSize(),
        c.hiddenSize(),
        c.intermediateSize(),
        c.numHiddenLayers(),
        c.numAttentionHeads(),
        c.numKeyValueHeads(),
        c.headDim(),
        c.rmsNormEps(),
        theta,
        scaling,
        c.maxPositionEmbeddings(),
        c.tieWordEmbeddings(),
        c.attentionBias(),
        c.qkvBias(),
        c.mlpBias(),
        window,
        types,
        bos < 0 ? List.of() : List.of(bos),
        c.eosTokenIds());
  }
}
