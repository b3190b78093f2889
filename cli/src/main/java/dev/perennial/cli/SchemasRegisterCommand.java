package dev.perennial.cli;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.schemas.Contracts;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import dev.perennial.schemas.serde.WireFormat;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code perennial schemas register}: registers every topic's record schema, in its published form,
 * under the topic's value subject, for a registry an operator runs with auto-registration off.
 */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description = {
      "Registers every topic's record schema in its published form under <prefix><topic>-value"
          + " (a no-op where it is registered already) and prints each subject's id.",
      "The registry and its credentials come from the configuration (schema.registry.url,"
          + " basic.auth.*), the subjects' prefix from perennial.topic.prefix."
    })
public final class SchemasRegisterCommand extends ConsoleCommand {

  @Mixin ConfigFileOption configFile;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      description = "The registry's Confluent-compatible URL; overrides schema.registry.url.")
  String registryUrl;

  @Override
  int run(PrintWriter out) {
    Map<String, String> values = new HashMap<>(configFile.values());
    if (registryUrl != null) {
      values.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    }
    String prefix = PerennialConfig.topicPrefixOf(values);
    SchemaRegistryClient registry;
    try {
      registry = new AvroSerdeConfig(values).newRegistryClient();
    } catch (ConfigException e) {
      throw new PerennialException(e.getMessage(), e);
    }
    out.printf("Registering in %s%n", registry.baseUrl());
    for (PerennialTopic topic : PerennialTopic.values()) {
      String subject = WireFormat.subject(prefix + topic.suffix(), false);
      Schema schema = Contracts.schemaOf(Contracts.recordType(topic));
      out.printf(
          "  %-40s %-20s id %d%n", subject, schema.getName(), registry.register(subject, schema));
      out.flush();
    }
    return 0;
  }
}
