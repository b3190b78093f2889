package dev.perennial.cli;

import picocli.CommandLine.Command;

/**
 * {@code perennial schemas}: the Avro contracts of Perennial's topics, for app teams and
 * registries.
 */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description =
        "Prints the Avro contract of each topic in its published form (what apps copy), or"
            + " registers them all with a schema registry an operator runs.",
    subcommands = {SchemasPrintCommand.class, SchemasRegisterCommand.class})
public final class SchemasCommand extends GroupCommand {}
