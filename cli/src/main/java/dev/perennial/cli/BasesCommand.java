package dev.perennial.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code perennial bases}: the base models on {@code bases.v1}. */
@Command(
    name = "bases",
    mixinStandardHelpOptions = true,
    description = "Announces a base model adapters move to, or lists the announced ones.",
    subcommands = {BasesAnnounceCommand.class, BasesListCommand.class})
public final class BasesCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: announce or list");
  }
}
