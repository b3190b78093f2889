package dev.perennial.model.bench;

import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;

/**
 * Matmul FLOPs of a decoder per token (multiply-adds count 2), the usual way training throughput is
 * turned into a FLOP rate: forward = 2 x matmul weights + attention; the backward pass of attention
 * costs twice its forward (gradients of scores with respect to queries and keys, and of the
 * weighted sum with respect to probabilities and values); a full fine-tuning step = forward +
 * activation gradients + weight gradients = 3 x forward; a LoRA step = forward + activation
 * gradients (weights as forward, attention twice) + the adapter's own weight gradients.
 */
public final class FlopCount {

  private FlopCount() {}

  /** Forward FLOPs per token for rows of {@code length} tokens (attention over all keys). */
  public static double forward(LlamaConfig config, int length) {
    return matmulWeights(config) + attention(config, length);
  }

  /** 2 x the matmul weights (projections and LM head) per token. */
  static double matmulWeights(LlamaConfig config) {
    double weights = 0;
    for (TargetModule module : TargetModule.values()) {
      int[] dims = LoraWeights.dimensions(config, module);
      weights += (double) dims[0] * dims[1];
    }
    weights *= config.numHiddenLayers();
    weights += (double) config.hiddenSize() * config.vocabSize();
    return 2 * weights;
  }

  /** Attention's forward per token: scores and weighted sum, 2 matmuls of head_dim x length. */
  static double attention(LlamaConfig config, int length) {
    return 4.0 * length * config.numAttentionHeads() * config.headDim() * config.numHiddenLayers();
  }

  /** FLOPs per token of one LoRA training step. */
  public static double loraStep(LlamaConfig config, LoraConfig lora, int length) {
    double adapter = 0;
    for (TargetModule module : lora.targetModules()) {
      int[] dims = LoraWeights.dimensions(config, module);
      adapter += 2.0 * lora.rank() * (dims[0] + dims[1]);
    }
    adapter *= config.numHiddenLayers();
    double weights = matmulWeights(config) + adapter;
    double attention = attention(config, length);
    // forward; activation gradients (weights as forward, attention twice); A and B gradients
    return (weights + attention) + (weights + 2 * attention) + adapter;
  }

  /** FLOPs per token of one full fine-tuning step. */
  public static double fullStep(LlamaConfig config, int length) {
    return 3 * forward(config, length);
  }
}
