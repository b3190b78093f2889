package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perennial bases announce} and {@code bases list} on a real broker and registry. What an
 * announcement then does to the pipeline (one REBASE job per key with a stable release, gated and
 * released on the new base) is {@code LoopIT}'s upgrade scene.
 */
class BasesCommandIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  @Test
  void anAnnouncedSuccessorIsListedWithBothDigestsItsLocationAndWhoAnnouncedIt() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        PerennialConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.BASES).partitions()));
    Path config = folder.resolve("perennial.properties");
    Properties properties = new Properties();
    properties.putAll(values);
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    }

    PerennialConsole announce = new PerennialConsole();
    int announced =
        announce.run(
            "bases",
            "announce",
            "perennial-tiny-2",
            "--location",
            "bundled:perennial-tiny-2",
            "--succeeds",
            "perennial-tiny",
            "--actor",
            "ops-oncall",
            "--config",
            config.toString());

    assertThat(announced).as("bases announce said: %s", announce.err()).isZero();
    assertThat(announce.out())
        .containsPattern(
            "announced perennial-tiny-2 \\(sha256:[0-9a-f]{64}\\) at bundled:perennial-tiny-2\\R")
        .containsPattern("succeeds  perennial-tiny \\(sha256:[0-9a-f]{64}\\)\\R");
    PerennialConsole bases = new PerennialConsole();
    assertThat(bases.run("bases", "list", "--config", config.toString())).as(bases.err()).isZero();
    assertThat(bases.out())
        .containsPattern(
            "perennial-tiny-2  sha256:[0-9a-f]{64}  bundled:perennial-tiny-2  succeeds"
                + " perennial-tiny  announced \\d{4}-\\d\\d-\\d\\dT\\S+ by ops-oncall");
  }
}
