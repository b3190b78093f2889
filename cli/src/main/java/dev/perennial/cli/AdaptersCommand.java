package dev.perennial.cli;

import picocli.CommandLine.Command;

/** {@code perennial adapters}: adapters trained elsewhere, brought into the pipeline. */
@Command(
    name = "adapters",
    mixinStandardHelpOptions = true,
    description =
        "Imports a LoRA adapter trained elsewhere as an adapter key's starting point, or lists the"
            + " imports.",
    subcommands = {AdaptersImportCommand.class, AdaptersListCommand.class})
public final class AdaptersCommand extends GroupCommand {}
