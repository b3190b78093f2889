package dev.perennial.cli;

import dev.perennial.trainer.bench.TrainerBenchmark;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.JobRecipe;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench trainer}: jobs per hour and training tokens per second of one worker on
 * this machine, with the configured (default: bundled) base and recipe.
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "Jobs per hour and training tokens/s of a trainer worker on this machine: a series of"
          + " jobs trained as the worker trains them (shards, replay, continuing the previous"
          + " adapter, files stored), with the bundled base unless configured otherwise."
    })
public final class BenchTrainerCommand extends ConsoleCommand {

  @Option(
      names = "--jobs",
      paramLabel = "N",
      defaultValue = "3",
      description = "Timed jobs (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--examples",
      paramLabel = "N",
      description = "Training examples per job (default: the minimum-examples trigger, 64).")
  Integer examples;

  @Mixin DeviceOption device;

  @Mixin BenchConfigOption configFile;

  @Override
  int run(PrintWriter out) {
    Map<String, String> values = configFile.offlineValues();
    TrainerConfig config = new TrainerConfig(values);
    BaseModelSource base = BaseModelSource.open(config);
    JobRecipe recipe = JobRecipe.from(config);
    TrainerBenchmark.Settings settings =
        new TrainerBenchmark.Settings(
            jobs,
            examples == null ? config.defaultTriggers().minExamples() : examples,
            device.orElse(config.workerDevice()));
    out.printf(
        "Benchmarking the trainer on %s: %d jobs of %d examples, up to %d steps of %d ...%n",
        base.base(),
        settings.jobs(),
        settings.examplesPerJob(),
        recipe.maxSteps(),
        recipe.model().batchSize());
    out.flush();
    TrainerBenchmark.Report report = TrainerBenchmark.run(base, recipe, settings, out);
    report.lines().forEach(out::println);
    return 0;
  }
}
