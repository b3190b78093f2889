package dev.perennial.cli;

import picocli.CommandLine.Command;

/** {@code perennial adapters}: adapters trained elsewhere, brought into the pipeline. */
@Command(
    name = "adapters",
    mixinStandardHelpOptions = true,
    description = "Imports a LoRA adapter trained elsewhere as an adapter key's starting point.",
    subcommands = {AdaptersImportCommand.class})
public final class AdaptersCommand extends GroupCommand {}
