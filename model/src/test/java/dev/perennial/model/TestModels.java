package dev.perennial.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.ModelType;
import dev.perennial.model.llama.RopeScaling;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.tokenizer.TextTokenizer;
import java.util.List;
import java.util.Map;

/** Small random models for tests. */
public final class TestModels {

  private TestModels() {}

  /** A 2-layer byte-vocabulary Llama with grouped-query attention (4 heads, 2 kv heads). */
  public static LlamaConfig tinyLlama(boolean tied) {
    return LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 128, tied)
        .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS);
  }

  /** A 2-layer Qwen2-style config: q/k/v biases, untied head. */
  public static LlamaConfig tinyQwen2() {
    return new LlamaConfig(
        ModelType.QWEN2,
        ByteTokenizer.VOCAB_SIZE,
        32,
        48,
        2,
        4,
        2,
        8,
        1e-6,
        1_000_000.0,
        RopeScaling.NONE,
        128,
        false,
        false,
        true,
        false,
        0,
        List.of(),
        List.of(ByteTokenizer.BOS),
        List.of(ByteTokenizer.EOS));
  }

  /** Seeded random weights, biases included (non-zero so they matter). */
  public static Map<String, HostTensor> randomWeights(LlamaConfig config, long seed) {
    Map<String, HostTensor> weights = ModelWeights.initialize(DecoderModel.base(config), seed);
    java.util.Random random = new java.util.Random(seed);
    weights.replaceAll(
        (name, tensor) -> {
          if (name.endsWith(".bias") || name.endsWith("norm.weight")) {
            float[] values = tensor.data().clone();
            for (int i = 0; i < values.length; i++) {
              values[i] += (float) (random.nextGaussian() * 0.1);
            }
            return new HostTensor(tensor.shape(), values);
          }
          return tensor;
        });
    return weights;
  }

  public static LanguageModel model(
      LlamaConfig config, Map<String, HostTensor> weights, LoraWeights lora) {
    return LanguageModel.fromWeights(
        config, new ByteTokenizer(), weights, Device.cpu(), false, lora, "test");
  }

  /**
   * A model on random weights (seed 1) on the CPU, to train: its base when {@code lora} is null,
   * else the adapter {@code lora} on a frozen base.
   */
  public static LanguageModel trainable(
      LlamaConfig config, TextTokenizer tokenizer, LoraWeights lora, String name) {
    return LanguageModel.fromWeights(
        config, tokenizer, randomWeights(config, 1), Device.cpu(), lora == null, lora, name);
  }

  /** LoRA weights with random (non-zero) B so the adapter changes outputs. */
  public static LoraWeights randomLora(
      LlamaConfig config, dev.perennial.model.lora.LoraConfig lora, long seed) {
    return LoraWeights.initialize(config, lora, seed).withRandomB(seed + 1, 0.2);
  }

  /** Logits for token ids [rows][T] through DJL's block entry (positions 0..T-1, no mask). */
  public static float[] logits(LanguageModel model, long[][] ids) {
    try (NDManager pass = model.manager().newSubManager()) {
      long[] flat = new long[ids.length * ids[0].length];
      for (int r = 0; r < ids.length; r++) {
        System.arraycopy(ids[r], 0, flat, r * ids[0].length, ids[0].length);
      }
      NDArray input = pass.create(flat, new Shape(ids.length, ids[0].length));
      return model
          .decoder()
          .forward(model.parameterStore(), new NDList(input), false)
          .singletonOrThrow()
          .toFloatArray();
    }
  }
}
