package dev.perennial.cli;

import dev.perennial.evaluator.bench.EvaluatorBenchmark;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.evaluate.EvaluationBase;
import dev.perennial.model.runtime.ModelRuntime;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench evaluator}: shared multi-adapter passes against adapter-by-adapter passes
 * for a batch of candidates, with few and with many rows per adapter.
 */
@Command(
    name = "evaluator",
    mixinStandardHelpOptions = true,
    description = {
      "Times a batch of candidates' scoring and greedy answering in shared multi-adapter passes"
          + " and adapter by adapter, with few rows per adapter (held-out examples) and with"
          + " many (the general set): what perennial.evaluator.batch.max.rows.per.adapter"
          + " trades."
    })
public final class BenchEvaluatorCommand extends ConsoleCommand {

  @Option(
      names = "--candidates",
      paramLabel = "N",
      defaultValue = "8",
      description = "Adapters in the batch (default: ${DEFAULT-VALUE}).")
  int candidates;

  @Option(
      names = "--few-rows",
      paramLabel = "N",
      defaultValue = "4",
      description = "Rows per adapter of the small workload (default: ${DEFAULT-VALUE}).")
  int fewRows;

  @Option(
      names = "--many-rows",
      paramLabel = "N",
      defaultValue = "64",
      description = "Rows per adapter of the large workload (default: ${DEFAULT-VALUE}).")
  int manyRows;

  @Mixin DeviceOption device;

  @Mixin BenchConfigOption configFile;

  @Override
  int run(PrintWriter out) {
    Map<String, String> values = configFile.offlineValues();
    values.put(EvaluatorConfig.GENERAL_SIZE_CONFIG, "0");
    EvaluatorConfig config = new EvaluatorConfig(values);
    EvaluationBase base = EvaluationBase.open(config);
    config.threads().ifPresent(ModelRuntime::setThreads);
    EvaluatorBenchmark.Settings settings =
        new EvaluatorBenchmark.Settings(candidates, fewRows, manyRows, config.batchSize(), 2);
    out.printf(
        "Benchmarking the evaluator on %s: %d candidates, %d and %d questions each, batches of"
            + " %d rows ...%n",
        base.base(), candidates, fewRows, manyRows, config.batchSize());
    out.flush();
    EvaluatorBenchmark.run(
        base.base(),
        base.general(),
        settings,
        ModelRuntime.device(device.orElse(config.device())),
        out);
    return 0;
  }
}
