package dev.perennial.model.bench;

import dev.perennial.model.runtime.DeviceChoice;

/**
 * What the model benchmark measures.
 *
 * @param rows rows per training batch
 * @param length tokens per row
 * @param warmupSteps training steps run before timing
 * @param measuredSteps training steps timed
 * @param matmulSize side of the square matrices of the reference matmul
 * @param adapters adapters scored batched versus one by one
 * @param rowsPerAdapter examples scored per adapter
 * @param threads PyTorch intra-op threads
 */
public record BenchmarkSettings(
    int rows,
    int length,
    int warmupSteps,
    int measuredSteps,
    int matmulSize,
    int adapters,
    int rowsPerAdapter,
    int threads,
    DeviceChoice device) {

  /** A run of about a minute on two cores with the bundled tiny base. */
  public static BenchmarkSettings defaults() {
    return new BenchmarkSettings(16, 128, 3, 10, 1024, 16, 4, 2, DeviceChoice.AUTO);
  }
}
