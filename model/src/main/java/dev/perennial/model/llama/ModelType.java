package dev.perennial.model.llama;

import dev.perennial.model.ModelException;

/** The Hugging Face {@code model_type}s this decoder implements; they share one architecture. */
public enum ModelType {
  /** Llama 2/3, SmolLM, TinyLlama: optional attention and MLP biases. */
  LLAMA("llama", "LlamaForCausalLM"),
  /** Mistral: Llama plus an optional sliding attention window. */
  MISTRAL("mistral", "MistralForCausalLM"),
  /** Qwen2 / Qwen2.5: Llama with biases on the q, k and v projections. */
  QWEN2("qwen2", "Qwen2ForCausalLM");

  private final String hfName;
  private final String architecture;

  ModelType(String hfName, String architecture) {
    this.hfName = hfName;
    this.architecture = architecture;
  }

  public String hfName() {
    return hfName;
  }

  /** The {@code architectures} entry Hugging Face writes for this type. */
  public String architecture() {
    return architecture;
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
