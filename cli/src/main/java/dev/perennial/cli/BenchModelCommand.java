package dev.perennial.cli;

import dev.perennial.model.bench.BenchmarkReport;
import dev.perennial.model.bench.BenchmarkSettings;
import dev.perennial.model.bench.ModelBenchmark;
import dev.perennial.model.bench.RandomBase;
import dev.perennial.model.bench.ScoringBenchmark;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.BasePrecision;
import dev.perennial.model.score.MultiAdapterPolicy;
import dev.perennial.model.tiny.TinyModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench model}: LoRA and full fine-tuning step throughput, the LoRA step's FLOP
 * rate against the engine's large-matmul rate, and batched versus one-by-one multi-adapter scoring.
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "LoRA and full fine-tuning step tokens/s, the LoRA step's FLOP rate as a share of the"
          + " engine's large-matmul rate, and the speedup of scoring many adapters in shared"
          + " batches over one by one."
    })
public final class BenchModelCommand extends ConsoleCommand {

  @Option(
      names = "--base",
      paramLabel = "DIR",
      description = "Hugging Face model folder (default: the bundled perennial-tiny).")
  Path base;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch intra-op threads (default: 2).")
  Integer threads;

  @Option(
      names = "--random-base",
      paramLabel = "SHAPE",
      description =
          "Write a base of this shape with random weights (llama-3.2-1b, llama-100m) into"
              + " --base and benchmark it (implies --lora-only).")
  String randomBase;

  @Option(
      names = "--layers",
      paramLabel = "N",
      description =
          "With --random-base: this many decoder layers instead of the shape's own (to measure"
              + " the fixed and per-layer memory).")
  Integer layers;

  @Option(names = "--batch", paramLabel = "N", description = "Training rows (default: 16).")
  Integer batch;

  @Option(names = "--length", paramLabel = "N", description = "Tokens per row (default: 128).")
  Integer length;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Timed rounds of every figure (default: 3); min, median and max are printed.")
  Integer rounds;

  @Option(
      names = "--round-seconds",
      paramLabel = "S",
      description = "Each round runs whole steps until this long has passed (default: 5).")
  Double roundSeconds;

  @Option(
      names = "--warmup-steps",
      paramLabel = "N",
      description =
          "Training steps before timing, per model; with --scoring-table, warm-up runs of every"
              + " path at the first rows per adapter (default: 3).")
  Integer warmupSteps;

  @Option(
      names = "--lora-only",
      description =
          "Measure the LoRA step (tokens/s, GFLOP/s, peak memory) and the matmul reference only:"
              + " for real-sized bases, where full fine-tuning would not fit in memory.")
  boolean loraOnly;

  @Option(
      names = "--checkpoint-layers",
      description =
          "LoRA steps recompute each decoder layer's activations in the backward pass instead of"
              + " keeping them (perennial.trainer.recipe.checkpoint.layers).")
  boolean checkpointLayers;

  @Option(
      names = "--base-precision",
      paramLabel = "P",
      description =
          "How the LoRA model's frozen base holds its projection weights: float32 (default) or"
              + " float16 (half their memory, upcast to float32 for each matmul).")
  String basePrecision;

  @Option(names = "--adapters", paramLabel = "N", description = "Adapters to score (default: 16).")
  Integer adapters;

  @Option(
      names = "--rows-per-adapter",
      paramLabel = "N",
      description = "Examples scored per adapter (default: 4).")
  Integer rowsPerAdapter;

  @Option(
      names = "--scoring-table",
      paramLabel = "R,R,...",
      split = ",",
      description =
          "Only multi-adapter scoring: for each number of rows per adapter, --adapters adapters'"
              + " rows on each of --scoring-paths against one adapter at a time, and the path the"
              + " default policy takes (no training is measured).")
  int[] scoringTable;

  @Option(
      names = "--scoring-paths",
      paramLabel = "P,P,...",
      split = ",",
      description =
          "With --scoring-table: the paths timed, of gathered, grouped, one-by-one (default: all).")
  List<String> scoringPaths;

  @Option(
      names = "--scoring-pass",
      paramLabel = "ROWS",
      description =
          "Only one scoring pass of ROWS texts of --length tokens on the plain base, every"
              + " position scored: its time and the process's peak memory.")
  Integer scoringPass;

  @Mixin DeviceOption device;

  @Override
  int run(PrintWriter out) {
    BenchmarkSettings defaults = BenchmarkSettings.defaults();
    BenchmarkSettings settings =
        new BenchmarkSettings(
            batch == null ? defaults.rows() : batch,
            length == null ? defaults.length() : length,
            warmupSteps == null ? defaults.warmupSteps() : warmupSteps,
            rounds == null ? defaults.rounds() : rounds,
            roundSeconds == null ? defaults.roundSeconds() : roundSeconds,
            defaults.matmulSize(),
            adapters == null ? defaults.adapters() : adapters,
            rowsPerAdapter == null ? defaults.rowsPerAdapter() : rowsPerAdapter,
            threads == null ? defaults.threads() : threads,
            device.orElse("auto"),
            loraOnly || randomBase != null,
            checkpointLayers,
            basePrecision == null ? defaults.basePrecision() : BasePrecision.parse(basePrecision));
    if (randomBase != null) {
      if (base == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--random-base needs --base DIR to write the base into");
      }
      out.println("Writing a random " + randomBase + " base into " + base + " ...");
      out.flush();
      RandomBase.write(base, RandomBase.Shape.parse(randomBase), layers == null ? 0 : layers, 1);
    }
    BaseModel model = base == null ? TinyModel.open() : BaseModel.open(base);
    out.println("Benchmarking " + model + " ...");
    out.flush();
    if (scoringPass != null) {
      ScoringBenchmark.pass(model, settings, scoringPass).lines().forEach(out::println);
      return 0;
    }
    if (scoringTable != null) {
      List<MultiAdapterPolicy.Path> paths =
          scoringPaths == null
              ? List.of(MultiAdapterPolicy.Path.values())
              : scoringPaths.stream().map(MultiAdapterPolicy.Path::parse).toList();
      out.printf(
          Locale.ROOT,
          "scoring %d adapters, %d threads, seconds per pass set: median (min, max, spread)%n",
          settings.adapters(),
          settings.threads());
      for (ScoringBenchmark.Row row :
          ScoringBenchmark.table(model, settings, scoringTable, paths)) {
        row.lines().forEach(out::println);
        out.flush();
      }
      return 0;
    }
    BenchmarkReport report = ModelBenchmark.run(model, settings);
    report.lines().forEach(out::println);
    return 0;
  }
}
