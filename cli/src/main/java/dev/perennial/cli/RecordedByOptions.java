package dev.perennial.cli;

import picocli.CommandLine.Option;

/** Who makes an operator record (a base announcement, an adapter import) and why. */
final class RecordedByOptions {

  // the user who ran the command by default, as for alias moves: a record names someone
  @Option(
      names = "--actor",
      defaultValue = "${sys:user.name}",
      description = "Who, for the record (default: your user name, ${DEFAULT-VALUE}).")
  String actor;

  @Option(names = "--reason", description = "Why, for the record.")
  String reason;
}
