package dev.perennial.model.bench;

import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;

/**
 * Matmul FLOPs of a decoder per token (multiply-adds count 2), the usual way training throughput is
 * turned into a FLOP rate: forward = 2 x matmul weights + attention; a full fine-tuning step = 3 x
 * forward (activation and weight gradients); a LoRA step = forward + activation gradients + the
 * adapter's own weight gradients.
 */
public final class FlopCount {

  private FlopCount() {}

  /** Forward FLOPs per token for rows of {@code length} tokens (attention over all keys). */
  public static double forward(LlamaConfig config, int length) {
    double weights = 0;
    for (TargetModule module : TargetModule.values()) {
      int[] dims = LoraWeights.dimensions(config, module);
      weights += (double) dims[0] * dims[1];
    }
    weights *= config.numHiddenLayers();
    weights += (double) config.hiddenSize() * config.vocabSize();
    // scores and weighted sum: 2 matmuls of head_dim x length per head per token
    double attention =
        4.0 * length * config.numAttentionHeads() * config.headDim() * config.numHiddenLayers();
    return 2 * weights + attention;
  }

  /** FLOPs per token of one LoRA training step. */
  public static double loraStep(LlamaConfig config, LoraConfig lora, int length) {
    double adapter = 0;
    for (TargetModule module : lora.targetModules()) {
      int[] dims = LoraWeights.dimensions(config, module);
      adapter += 2.0 * lora.rank() * (dims[0] + dims[1]);
    }
    adapter *= config.numHiddenLayers();
    double forward = forward(config, length) + adapter;
    // backward: input gradients of everything (as forward) plus A and B weight gradients
    return 2 * forward + adapter;
  }

  /** FLOPs per token of one full fine-tuning step. */
  public static double fullStep(LlamaConfig config, int length) {
    return 3 * forward(config, length);
  }
}
