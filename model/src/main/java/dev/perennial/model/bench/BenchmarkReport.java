package dev.perennial.model.bench;

import dev.perennial.model.runtime.BasePrecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model benchmark's figures, each over {@link BenchmarkSettings#rounds()} rounds.
 *
 * @param loraTokensPerSecond LoRA training throughput (input tokens)
 * @param fullTokensPerSecond full fine-tuning throughput (null when only LoRA was measured)
 * @param loraGflops the LoRA step's achieved rate, from its counted FLOPs
 * @param matmulGflops the engine's rate on the reference matmul, measured in the same run
 * @param loadedBytes resident memory with the LoRA model loaded, before training
 * @param loraPeakBytes the process's peak resident memory after the LoRA measurement
 * @param batchedScoringSeconds scoring every adapter's rows in shared batches (null: not measured)
 * @param oneByOneScoringSeconds scoring adapter after adapter (null: not measured)
 */
public record BenchmarkReport(
    String model,
    long parameters,
    String device,
    BenchmarkSettings settings,
    Spread loraTokensPerSecond,
    Spread fullTokensPerSecond,
    Spread loraGflops,
    Spread matmulGflops,
    long loadedBytes,
    long loraPeakBytes,
    Spread batchedScoringSeconds,
    Spread oneByOneScoringSeconds) {

  /** The LoRA step's median FLOP rate as a share of the median large-matmul rate. */
  public double loraMatmulFraction() {
    return loraGflops.median() / matmulGflops.median();
  }

  /** How many times faster batched multi-adapter scoring is (medians). */
  public double scoringSpeedup() {
    return oneByOneScoringSeconds.median() / batchedScoringSeconds.median();
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
            settings.threads()));
    lines.add(
        String.format(
            Locale.ROOT,
            "training batch %d x %d tokens; %d warm-up steps, %d rounds of >= %.0f s each",
            settings.rows(),
            settings.length(),
            settings.warmupSteps(),
            settings.rounds(),
            settings.roundSeconds()));
    if (settings.basePrecision() != BasePrecision.FLOAT32) {
      lines.add("LoRA steps on base projection weights held in " + settings.basePrecision());
    }
    if (settings.checkpointLayers()) {
      lines.add(
          "LoRA steps with layer checkpointing (the recomputed forward is not counted in"
              + " GFLOP/s)");
    }
    lines.add("LoRA step tokens/s:   " + loraTokensPerSecond.format("%,.1f"));
    if (fullTokensPerSecond != null) {
      lines.add("full fine-tune tok/s: " + fullTokensPerSecond.format("%,.1f"));
    }
    lines.add("LoRA step GFLOP/s:    " + loraGflops.format("%.1f"));
    lines.add(
        String.format(
            Locale.ROOT,
            "%dx%d matmul GFLOP/s: %s; LoRA step = %.1f%% of it (medians)",
            settings.matmulSize(),
            settings.matmulSize(),
            matmulGflops.format("%.1f"),
            100 * loraMatmulFraction()));
    lines.add(
        String.format(
            Locale.ROOT,
            "memory: %.2f GiB resident with the LoRA model loaded, %.2f GiB peak after LoRA steps",
            loadedBytes / GIB,
            loraPeakBytes / GIB));
    if (batchedScoringSeconds != null) {
      lines.add(
          String.format(
              Locale.ROOT,
              "scoring %d adapters x %d rows: batched %s s, one by one %s s, speedup %.2fx",
              settings.adapters(),
              settings.rowsPerAdapter(),
              batchedScoringSeconds.format("%.3f"),
              oneByOneScoringSeconds.format("%.3f"),
              scoringSpeedup()));
    }
    return lines;
  }

  private static final double GIB = 1024.0 * 1024 * 1024;
}
