package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.privacy.PseudonymSecretGuard;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: {@code perennial ingest} whose Kafka Streams client dies (a dead letter that the broker
 * refuses, so ingest cannot go on without losing it) ends with a non-zero exit code naming why, so
 * an orchestrator restarts it. ({@code IngestServiceIT} shows {@code /health/live} failing.) One
 * that refuses to start with a changed pseudonym secret says so the same way.
 */
class IngestCommandIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theServiceCommandExitsNonZeroWhenItsStreamsClientDies() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    // No dead letter fits: the first rejection cannot be written, and ingest cannot go on.
    KAFKA.setTopicConfig(
        catalog.name(PerennialTopic.REJECTED), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64");
    KAFKA.produce(
        catalog.name(PerennialTopic.DOCUMENTS),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));
    Map<String, String> values =
        values(
            catalog,
            KAFKA.uniqueName("ingest-command"),
            "integration-test-secret-0123456789abcdef");
    Path config = write(values);
    PerennialConsole console = new PerennialConsole();

    int exitCode = console.run("ingest", "--config", config.toString());

    assertThat(exitCode).as(console.err()).isEqualTo(1);
    assertThat(console.out()).contains("metrics and health on port");
    assertThat(console.err()).startsWith("perennial ingest: ").contains("RecordTooLarge");
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theServiceCommandRefusingAChangedPseudonymSecretExitsNonZeroNamingTheKey() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    String applicationId = KAFKA.uniqueName("ingest-secret");
    // An earlier start recorded the secret the data was pseudonymised with.
    PseudonymSecretGuard.check(
        new IngestConfig(
            values(catalog, applicationId, "the-secret-of-the-data-0123456789abcdef")));
    Path config =
        write(values(catalog, applicationId, "a-regenerated-secret-9876543210zyxwvutsrq"));
    PerennialConsole console = new PerennialConsole();

    int exitCode = console.run("ingest", "--config", config.toString());

    assertThat(exitCode).as(console.err()).isEqualTo(1);
    assertThat(console.out()).doesNotContain("metrics and health on port");
    assertThat(console.err())
        .startsWith("perennial ingest: " + IngestConfig.PSEUDONYM_SECRET_CONFIG + ": ")
        .contains(IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG + "=")
        .doesNotContain("the-secret-of-the-data")
        .doesNotContain("a-regenerated-secret");
  }

  private Map<String, String> values(TopicCatalog catalog, String applicationId, String secret) {
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        PerennialConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.SUBJECT_KEYS).partitions()));
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, secret);
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(IngestConfig.APPLICATION_ID_CONFIG, applicationId);
    values.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(StreamsConfig.STATE_DIR_CONFIG, folder.resolve("streams").toString());
    // the Streams client is killed on purpose: its close need not be waited out
    values.put(StreamsSettings.FAILED_CLOSE_TIMEOUT_MS_CONFIG, "500");
    return values;
  }

  private Path write(Map<String, String> values) throws Exception {
    Path config = folder.resolve("ingest.properties");
    Properties properties = new Properties();
    properties.putAll(values);
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      properties.store(out, "ingest of IngestCommandIT");
    }
    return config;
  }
}
