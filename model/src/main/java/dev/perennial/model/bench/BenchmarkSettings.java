package dev.perennial.model.bench;

import dev.perennial.model.runtime.BasePrecision;
import dev.perennial.model.runtime.DeviceChoice;

/**
 * What the model benchmark measures.
 *
 * @param rows rows per training batch
 * @param length tokens per row
 * @param warmupSteps training steps run before timing (per model)
 * @param rounds timed rounds of every figure (min, median and max are reported)
 * @param roundSeconds each round runs whole steps (or matmuls) until this long has passed
 * @param matmulSize side of the square matrices of the reference matmul
 * @param adapters adapters scored batched versus one by one
 * @param rowsPerAdapter examples scored per adapter
 * @param threads PyTorch intra-op threads
 * @param loraOnly only the LoRA step and the matmul reference (a real-sized base, where full
 *     fine-tuning and many adapters would not fit in memory)
 * @param checkpointLayers the LoRA steps recompute each layer's activations in the backward pass
 *     ({@code TrainingRecipe.checkpointLayers}); full fine-tuning never does
 * @param basePrecision how the LoRA model's frozen base holds its projection weights (full
 *     fine-tuning and scoring hold float32)
 */
public record BenchmarkSettings(
    int rows,
    int length,
    int warmupSteps,
    int rounds,
    double roundSeconds,
    int matmulSize,
    int adapters,
    int rowsPerAdapter,
    int threads,
    DeviceChoice device,
    boolean loraOnly,
    boolean checkpointLayers,
    BasePrecision basePrecision) {

  /** A run of about two minutes on two cores with the bundled tiny base. */
  public static BenchmarkSettings defaults() {
    return new BenchmarkSettings(
        16, 128, 3, 3, 5, 1024, 16, 4, 2, DeviceChoice.AUTO, false, false, BasePrecision.FLOAT32);
  }
}
