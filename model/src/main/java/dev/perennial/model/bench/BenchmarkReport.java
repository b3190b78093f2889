package dev.perennial.model.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model benchmark's figures.
 *
 * @param loraTokensPerSecond LoRA training throughput (input tokens)
 * @param fullTokensPerSecond full fine-tuning throughput
 * @param loraGflops the LoRA step's achieved rate, from its counted FLOPs
 * @param matmulSize side of the square matrices of the reference matmul
 * @param matmulGflops the engine's rate on that matmul, measured in the same run
 * @param batchedScoringSeconds scoring every adapter's rows in shared batches
 * @param oneByOneScoringSeconds scoring adapter after adapter
 */
public record BenchmarkReport(
    String model,
    long parameters,
    String device,
    int threads,
    int rows,
    int length,
    double loraTokensPerSecond,
    double fullTokensPerSecond,
    double loraGflops,
    int matmulSize,
    double matmulGflops,
    int adapters,
    int rowsPerAdapter,
    double batchedScoringSeconds,
    double oneByOneScoringSeconds) {

  /** The LoRA step's FLOP rate as a share of the large-matmul rate. */
  public double loraMatmulFraction() {
    return loraGflops / matmulGflops;
  }

  /** How many times faster batched multi-adapter scoring is. */
  public double scoringSpeedup() {
    return oneByOneScoringSeconds / batchedScoringSeconds;
  }

  /** Human-readable lines. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "model %s, %,d parameters, %s, %d threads",
            model,
            parameters,
            device,
            threads));
    lines.add(String.format(Locale.ROOT, "training batch %d x %d tokens", rows, length));
    lines.add(
        String.format(Locale.ROOT, "LoRA step:            %,10.0f tokens/s", loraTokensPerSecond));
    lines.add(
        String.format(Locale.ROOT, "full fine-tune step:  %,10.0f tokens/s", fullTokensPerSecond));
    lines.add(
        String.format(
            Locale.ROOT,
            "LoRA step FLOP rate:  %10.1f GFLOP/s = %.1f%% of the engine's %dx%d matmul rate (%.1f GFLOP/s)",
            loraGflops,
            100 * loraMatmulFraction(),
            matmulSize,
            matmulSize,
            matmulGflops));
    lines.add(
        String.format(
            Locale.ROOT,
            "scoring %d adapters x %d rows: batched %.3f s, one by one %.3f s, speedup %.2fx",
            adapters,
            rowsPerAdapter,
            batchedScoringSeconds,
            oneByOneScoringSeconds,
            scoringSpeedup()));
    return lines;
  }
}
