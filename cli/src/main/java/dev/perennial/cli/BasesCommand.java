package dev.perennial.cli;

import picocli.CommandLine.Command;

/** {@code perennial bases}: the base models on {@code bases.v1}. */
@Command(
    name = "bases",
    mixinStandardHelpOptions = true,
    description = "Announces a base model adapters move to, or lists the announced ones.",
    subcommands = {BasesAnnounceCommand.class, BasesListCommand.class})
public final class BasesCommand extends GroupCommand {}
