package dev.perennial.model.llama;

import dev.perennial.model.ModelException;

/** The Hugging Face {@code model_type}s this decoder implements; they share one architecture. */
public enum ModelType {
  /** Llama 2/3, SmolLM, TinyLlama: optional attention and MLP biases. */
  LLAMA("llama", "LlamaForCausalLM", 0, 2048, 0),
  /** Mistral: Llama plus an optional sliding attention window. */
  MISTRAL("mistral", "MistralForCausalLM", 8, 4096 * 32, 4096),
  /** Qwen2 / Qwen2.5: Llama with biases on the q, k and v projections. */
  QWEN2("qwen2", "Qwen2ForCausalLM", 32, 32768, 4096);

  private final String hfName;
  private final String architecture;
  private final int defaultKeyValueHeads;
  private final int defaultMaxPositions;
  private final int defaultSlidingWindow;

  /**
   * The last three are transformers' defaults for this type's {@code config.json} keys (its
   * LlamaConfig, MistralConfig, Qwen2Config), taken when a key is absent: {@code
   * num_key_value_heads} (0: as many as attention heads), {@code max_position_embeddings} and
   * {@code sliding_window}.
   */
  ModelType(
      String hfName,
      String architecture,
      int defaultKeyValueHeads,
      int defaultMaxPositions,
      int defaultSlidingWindow) {
    this.hfName = hfName;
    this.architecture = architecture;
    this.defaultKeyValueHeads = defaultKeyValueHeads;
    this.defaultMaxPositions = defaultMaxPositions;
    this.defaultSlidingWindow = defaultSlidingWindow;
  }

  public String hfName() {
    return hfName;
  }

  /** The {@code architectures} entry Hugging Face writes for this type. */
  public String architecture() {
    return architecture;
  }

  /** {@code num_key_value_heads} when the config has none. */
  public int defaultKeyValueHeads(int attentionHeads) {
    return defaultKeyValueHeads == 0 ? attentionHeads : defaultKeyValueHeads;
  }

  /** {@code max_position_embeddings} when the config has none. */
  public int defaultMaxPositions() {
    return defaultMaxPositions;
  }

  /** {@code sliding_window} when the config has no such key (an explicit null means none). */
  public int defaultSlidingWindow() {
    return defaultSlidingWindow;
  }

  public static ModelType parse(String value) {
    for (ModelType type : values()) {
      if (type.hfName.equals(value)) {
        return type;
      }
    }
    throw new ModelException(
        "model_type '" + value + "' is not supported: expected llama, mistral or qwen2");
  }
}
