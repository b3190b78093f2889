package dev.perennial.cli;

import picocli.CommandLine.Option;

/** Who makes an operator record (a base announcement, an adapter import) and why. */
final class RecordedByOptions {

  @Option(names = "--actor", defaultValue = "operator", description = "Who, for the record.")
  String actor;

  @Option(names = "--reason", description = "Why, for the record.")
  String reason;
}
