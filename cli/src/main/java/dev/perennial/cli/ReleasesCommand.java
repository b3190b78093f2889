package dev.perennial.cli;

import picocli.CommandLine.Command;

/** {@code perennial releases}: what is released, the operators' alias moves and retractions. */
@Command(
    name = "releases",
    mixinStandardHelpOptions = true,
    description =
        "Lists, shows, verifies and reproduces releases; promotes and rolls back aliases;"
            + " retracts releases.",
    subcommands = {
      ReleasesListCommand.class,
      ReleasesShowCommand.class,
      ReleasesVerifyCommand.class,
      ReleasesReproduceCommand.class,
      ReleasesPromoteCommand.class,
      ReleasesRollbackCommand.class,
      ReleasesRetractCommand.class
    })
public final class ReleasesCommand extends GroupCommand {}
