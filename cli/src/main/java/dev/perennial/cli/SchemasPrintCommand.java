package dev.perennial.cli;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.schemas.Contracts;
import dev.perennial.schemas.PublishedSchemas;
import dev.perennial.schemas.serde.WireFormat;
import java.io.PrintWriter;
import java.util.Arrays;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial schemas print}: a record's schema exactly as Perennial registers it (the file an
 * app team copies), or every topic's subject and schema.
 */
@Command(
    name = "print",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a record's schema in its published form, byte for byte what Perennial registers: an"
          + " app's copy of it is found by a registry lookup (e.g. perennial schemas print Document"
          + " > Document.avsc).",
      "Without a record: every topic, its subject and its record's schema."
    })
public final class SchemasPrintCommand extends ConsoleCommand {

  @Parameters(
      arity = "0..1",
      paramLabel = "RECORD",
      description = "A record name, e.g. Document, Feedback, ConsentChange.")
  String record;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      description = "The topic prefix of the subjects named (default: ${DEFAULT-VALUE}).",
      defaultValue = PerennialConfig.TOPIC_PREFIX_DEFAULT)
  String topicPrefix;

  @Override
  int run(PrintWriter out) {
    if (record != null) {
      Schema schema =
          Contracts.RECORD_TYPES.stream()
              .map(Contracts::schemaOf)
              .filter(s -> s.getName().equals(record) || s.getFullName().equals(record))
              .findFirst()
              .orElseThrow(
                  () ->
                      new picocli.CommandLine.ParameterException(
                          spec.commandLine(),
                          "No record "
                              + record
                              + "; the topics' records are "
                              + Arrays.stream(PerennialTopic.values())
                                  .map(t -> Contracts.schemaOf(Contracts.recordType(t)).getName())
                                  .toList()));
      out.print(PublishedSchemas.text(schema));
    } else {
      for (PerennialTopic topic : PerennialTopic.values()) {
        Schema schema = Contracts.schemaOf(Contracts.recordType(topic));
        out.printf(
            "# subject %s: %s%n",
            WireFormat.subject(topicPrefix + topic.suffix(), false), schema.getName());
        out.print(PublishedSchemas.text(schema));
        out.println();
      }
    }
    return 0;
  }
}
