package dev.perennial.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code perennial trainer}: the trainer's two services. */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = "The trainer: the accumulator seals training jobs, workers train candidates.",
    subcommands = {TrainerAccumulatorCommand.class, TrainerWorkerCommand.class})
public final class TrainerCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing service: accumulator or worker");
  }
}
