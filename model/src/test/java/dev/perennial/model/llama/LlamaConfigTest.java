package dev.perennial.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
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
                    + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"sliding_window\":4096}"));

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
  void llama3RopeScalingSlowsOnlyLowFrequencies() {
    RopeScaling scaling = new RopeScaling("llama3", 8, 1, 4, 8192);
    double[] inverse = {1.0, 1e-2, 1e-5};

    double[] scaled = scaling.scale(inverse);

    assertThat(scaled[0]).isEqualTo(1.0); // wavelength 6 < 2048: unchanged
    assertThat(scaled[2]).isEqualTo(1e-5 / 8); // wavelength 628,318 > 8192: divided by factor
    assertThat(scaled[1]).isEqualTo(1e-2); // wavelength 628 < 2048: unchanged
  }
}
