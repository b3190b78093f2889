package dev.perennial.cli;

import dev.perennial.model.bench.BenchmarkReport;
import dev.perennial.model.bench.BenchmarkSettings;
import dev.perennial.model.bench.ModelBenchmark;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.TinyModel;
import java.io.PrintWriter;
import java.nio.file.Path;
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

  @Option(names = "--steps", paramLabel = "N", description = "Timed training steps (default: 10).")
  Integer steps;

  @Option(names = "--adapters", paramLabel = "N", description = "Adapters to score (default: 16).")
  Integer adapters;

  @Option(
      names = "--rows-per-adapter",
      paramLabel = "N",
      description = "Examples scored per adapter (default: 4).")
  Integer rowsPerAdapter;

  @Mixin DeviceOption device;

  @Override
  int run(PrintWriter out) {
    BenchmarkSettings defaults = BenchmarkSettings.defaults();
    BenchmarkSettings settings =
        new BenchmarkSettings(
            defaults.rows(),
            defaults.length(),
            defaults.warmupSteps(),
            steps == null ? defaults.measuredSteps() : steps,
            defaults.matmulSize(),
            adapters == null ? defaults.adapters() : adapters,
            rowsPerAdapter == null ? defaults.rowsPerAdapter() : rowsPerAdapter,
            threads == null ? defaults.threads() : threads,
            device.orElse("auto"));
    BaseModel model = base == null ? TinyModel.open() : BaseModel.open(base);
    out.println("Benchmarking " + model + " ...");
    out.flush();
    BenchmarkReport report = ModelBenchmark.run(model, settings);
    report.lines().forEach(out::println);
    return 0;
  }
}
