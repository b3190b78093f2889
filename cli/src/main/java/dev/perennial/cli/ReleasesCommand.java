package dev.perennial.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code perennial releases}: what is released, and the operators' alias moves. */
@Command(
    name = "releases",
    mixinStandardHelpOptions = true,
    description = "Lists, shows and verifies releases; promotes and rolls back aliases.",
    subcommands = {
      ReleasesListCommand.class,
      ReleasesShowCommand.class,
      ReleasesVerifyCommand.class,
      ReleasesPromoteCommand.class,
      ReleasesRollbackCommand.class
    })
public final class ReleasesCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
