package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perennial schemas}: the contracts as apps copy them, registered for an operator (a lookup
 * of the copy finding the registered id: schemas' {@code RegistryInteropIT}).
 */
class SchemasCommandIT {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  private final PerennialConsole console = new PerennialConsole();

  @Test
  void printingARecordGivesTheRepositorysPublishedFileByteForByte() throws Exception {
    assertThat(console.run("schemas", "print", "Document")).as(console.err()).isZero();

    assertThat(console.out())
        .isEqualTo(Files.readString(Path.of("../schemas/src/main/avro-history/Document/v1.avsc")));
  }

  @Test
  void registeringPutsEveryTopicsSchemaUnderItsSubjectWhereALookupOfTheCopyFindsIt()
      throws Exception {
    String prefix = "schemas-it-" + System.nanoTime() + ".";
    Path config = folder.resolve("registry.properties");
    Properties properties = new Properties();
    properties.put("schema.registry.url", REGISTRY.url());
    properties.put(PerennialConfig.TOPIC_PREFIX_CONFIG, prefix);
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    }

    assertThat(console.run("schemas", "register", "--config", config.toString()))
        .as(console.err())
        .isZero();

    Matcher documents =
        Pattern.compile(Pattern.quote(prefix + "documents.v1-value") + " +Document +id (\\d+)")
            .matcher(console.out());
    assertThat(documents.find()).as(console.out()).isTrue();
    assertThat(console.out().lines().filter(line -> line.contains(prefix)))
        .hasSize(PerennialTopic.values().length);
    SchemaRegistryClient client =
        new SchemaRegistryClient(URI.create(REGISTRY.url()), Optional.empty());
    assertThat(client.latestVersion(prefix + "documents.v1-value").id())
        .isEqualTo(Integer.parseInt(documents.group(1)));
  }
}
