package dev.perennial.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSmolLmStyleLlamaConfigIsRead() throws Exception {
    LlamaConfig config =
        LlamaConfig.fromJson(
            JSON.readTree(
                "{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\",\"vocab_size\":49152,"
                    + "\"hidden_size\":576,\"intermediate_size\":1536,\"num_hidden_layers\":30,"
                    + "\"num_attention_heads\":9,\"num_key_value_heads\":3,\"rms_norm_eps\":1e-5,"
                    + "\"rope_theta\":10000.0,\"max_position_embeddings\":2048,\"tie_word_embeddings\":true,"
                    + "\"hidden_act\":\"silu\",\"bos_token_id\":1,\"eos_token_id\":2,\"rope_scaling\":null}"));

    assertThat(config.headDim()).isEqualTo(64);
    assertThat(config.groupSize()).isEqualTo(3);
    assertThat(config.tieWordEmbeddings()).isTrue();
    assertThat(config.eosTokenId()).isEqualTo(2);
    assertThat(LlamaConfig.fromJson(config.toJson())).isEqualTo(config);
  }

  @Test
  void qwen2HasQkvBiasesAndMistralKeepsItsWindow() throws Exception {
    LlamaConfig qwen =
        LlamaConfig.fromJson(
            JSON.readTree(
                "{\"model_type\":\"qwen2\",\"vocab_size\":100,\"hidden_size\":64,\"intermediate_size\":128,"
                    + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
                    + "\"eos_token_id\":[5,6]}"));
    LlamaConfig mistral =
        LlamaConfig.fromJson(
            JSON.readTree(
                "{\"model_type\":\"mistral\",\"vocab_size\":100,\"hidden_size\":64,\"intermediate_size\":128,"
                    + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":4,"
                    + "\"sliding_window\":4096}"));

    assertThat(qwen.hasQkvBias()).isTrue();
    assertThat(qwen.attentionBias()).isFalse();
    assertThat(qwen.eosTokenId()).isEqualTo(5);
    assertThat(mistral.slidingWindow()).isEqualTo(4096);
    assertThat(mistral.numKeyValueHeads()).isEqualTo(4);
  }

  @Test
  void everyProblemOfABadConfigIsReportedAtOnce() throws Exception {
    assertThatThrownBy(
            () ->
                LlamaConfig.fromJson(
                    JSON.readTree(
                        "{\"model_type\":\"gpt2\",\"hidden_act\":\"gelu\",\"hidden_size\":64,"
                            + "\"num_attention_heads\":4,\"rope_scaling\":{\"rope_type\":\"yarn\"}}")))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model_type 'gpt2'")
        .hasMessageContaining("hidden_act 'gelu'")
        .hasMessageContaining("rope_scaling type 'yarn'")
        .hasMessageContaining("vocab_size is missing")
        .hasMessageContaining("num_hidden_layers is missing");
  }

  @Test
  void aConfigWithoutModelTypeIsRefusedNotReadAsLlama() throws Exception {
    // transformers' AutoConfig refuses such a config too; it is not guessed to be a Llama
    assertThatThrownBy(
            () ->
                LlamaConfig.fromJson(
                    JSON.readTree(
                        "{\"vocab_size\":100,\"hidden_size\":64,\"intermediate_size\":128,"
                            + "\"num_hidden_layers\":2,\"num_attention_heads\":4}")))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model_type is missing");
  }

  @Test
  void aMissingKeyTakesTransformersDefaultForItsModelType() throws Exception {
    String shape =
        "\"vocab_size\":100,\"hidden_size\":256,\"intermediate_size\":128,\"num_hidden_layers\":2,"
            + "\"num_attention_heads\":32";
    LlamaConfig llama =
        LlamaConfig.fromJson(JSON.readTree("{\"model_type\":\"llama\"," + shape + "}"));
    LlamaConfig mistral =
        LlamaConfig.fromJson(JSON.readTree("{\"model_type\":\"mistral\"," + shape + "}"));
    LlamaConfig qwen2 =
        LlamaConfig.fromJson(JSON.readTree("{\"model_type\":\"qwen2\"," + shape + "}"));

    // LlamaConfig: key/value heads = attention heads, 2048 positions, no window
    assertThat(llama.numKeyValueHeads()).isEqualTo(32);
    assertThat(llama.maxPositionEmbeddings()).isEqualTo(2048);
    // MistralConfig: 8 key/value heads, 4096 * 32 positions, a window of 4096 (null: none)
    assertThat(mistral.numKeyValueHeads()).isEqualTo(8);
    assertThat(mistral.maxPositionEmbeddings()).isEqualTo(131072);
    assertThat(mistral.slidingWindow()).isEqualTo(4096);
    assertThat(mistral.windowOf(0)).isEqualTo(4096);
    // Qwen2Config: 32 key/value heads, 32768 positions (its window only with use_sliding_window)
    assertThat(qwen2.numKeyValueHeads()).isEqualTo(32);
    assertThat(qwen2.maxPositionEmbeddings()).isEqualTo(32768);
    assertThat(qwen2.slidingWindow()).isZero();
    // shared by all three: theta 10000, eps 1e-6, separate head
    assertThat(List.of(llama, mistral, qwen2))
        .allSatisfy(
            config -> {
              assertThat(config.ropeTheta()).isEqualTo(10000.0);
              assertThat(config.rmsNormEps()).isEqualTo(1e-6);
              assertThat(config.tieWordEmbeddings()).isFalse();
              assertThat(config.headDim()).isEqualTo(8);
            });
    // an explicit null window is none
    LlamaConfig noWindow =
        LlamaConfig.fromJson(
            JSON.readTree("{\"model_type\":\"mistral\",\"sliding_window\":null," + shape + "}"));
    assertThat(noWindow.slidingWindow()).isZero();
    assertThat(LlamaConfig.fromJson(noWindow.toJson())).isEqualTo(noWindow);
    assertThat(LlamaConfig.fromJson(mistral.toJson())).isEqualTo(mistral);
  }

  @Test
  void llama3RopeScalingSlowsOnlyLowFrequencies() {
    RopeScaling scaling = new RopeScaling("llama3", 8, 1, 4, 8192);
    double[] inverse = {1.0, 1e-2, 1e-5};

    double[] scaled = scaling.scale(inverse);

    assertThat(scaled[0]).isEqualTo(1.0); // wavelength 6 < 2048: unchanged
    assertThat(scaled[2]).isEqualTo(1e-5 / 8); // wavelength 628,318 > 8192: divided by factor
    assertThat(scaled[1]).isEqualTo(1e-2); // wavelength 628 < 2048: unchanged
  }
}
