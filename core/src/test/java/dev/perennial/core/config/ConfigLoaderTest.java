package dev.perennial.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path folder;

  @Test
  void environmentVariablesOverrideTheFile() throws IOException {
    Path file = folder.resolve("perennial.properties");
    Files.writeString(
        file,
        """
        # shared by every service
        bootstrap.servers=kafka:9092
        schema.registry.url=http://registry:8081
        perennial.topic.prefix=from-file.
        security.protocol=SSL
        """);

    Map<String, String> values =
        ConfigLoader.load(
            file,
            Map.of(
                "PERENNIAL_TOPIC_PREFIX", "from-env.",
                "PERENNIAL_CLIENT_BOOTSTRAP_SERVERS", "other:9093",
                "SHELL", "/bin/bash"));

    assertThat(values)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "bootstrap.servers", "other:9093",
                "schema.registry.url", "http://registry:8081",
                "perennial.topic.prefix", "from-env.",
                "security.protocol", "SSL"));
    assertThat(new PerennialConfig(values).topicPrefix()).isEqualTo("from-env.");
  }

  @Test
  void withoutAFileOnlyTheEnvironmentCounts() {
    assertThat(ConfigLoader.load(null, Map.of("PERENNIAL_HTTP_PORT", "9000")))
        .containsExactly(Map.entry("perennial.http.port", "9000"));
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = folder.resolve("nope.properties");

    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("not found");
  }

  @Test
  void aBadVariableNameIsReportedWithTheFilesProblemsAtOnce() throws IOException {
    Path file = folder.resolve("perennial.properties");
    Files.writeString(
        file,
        """
        bootstrap.servers=kafka:9092
        schema.registry.url=http://registry:8081
        perennial.topic.partitions=0
        perennial.http.port=high
        """);

    Map<String, String> values =
        ConfigLoader.load(file, Map.of("PERENNIAL_TOPIC____PARTITIONS", "3"));

    assertThatThrownBy(() -> new PerennialConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).startsWith("perennial.topic.partitions: "))
                    .anySatisfy(p -> assertThat(p).startsWith("perennial.http.port: "))
                    .anySatisfy(p -> assertThat(p).startsWith("PERENNIAL_TOPIC____PARTITIONS: ")));
  }
}
