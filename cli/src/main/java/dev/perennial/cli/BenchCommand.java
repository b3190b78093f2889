package dev.perennial.cli;

import picocli.CommandLine.Command;

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
      BenchUpgradeCommand.class,
      BenchContinualCommand.class,
      BenchFaultsCommand.class,
      BenchFeedbackCommand.class,
      BenchCompareCommand.class
    })
public final class BenchCommand extends GroupCommand {}
