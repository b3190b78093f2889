package dev.perennial.cli;

import picocli.CommandLine.Command;

/** {@code perennial releases}: what is released, and the operators' alias moves. */
@Command(
    name = "releases",
    mixinStandardHelpOptions = true,
    description =
        "Lists, shows, verifies and reproduces releases; promotes and rolls back aliases.",
    subcommands = {
      ReleasesListCommand.class,
      ReleasesShowCommand.class,
      ReleasesVerifyCommand.class,
      ReleasesReproduceCommand.class,
      ReleasesPromoteCommand.class,
      ReleasesRollbackCommand.class
    })
public final class ReleasesCommand extends GroupCommand {}
