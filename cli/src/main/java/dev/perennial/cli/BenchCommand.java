package dev.perennial.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code perennial bench}: benchmarks that print figures. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures (nothing is asserted).",
    subcommands = {
      BenchModelCommand.class,
      BenchIngestCommand.class,
      BenchPiiCommand.class,
      BenchTrainerCommand.class,
      BenchEvaluatorCommand.class,
      BenchUpgradeCommand.class
    })
public final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing benchmark: model, ingest, pii, trainer, evaluator or upgrade");
  }
}
