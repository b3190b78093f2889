package dev.perennial.cli;

import picocli.CommandLine.Command;

/** {@code perennial trainer}: the trainer's two services. */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = "The trainer: the accumulator seals training jobs, workers train candidates.",
    subcommands = {TrainerAccumulatorCommand.class, TrainerWorkerCommand.class})
public final class TrainerCommand extends GroupCommand {}
