package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.serde.WireFormat;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global stores on the production topology and configuration, with the schema registry down
 * (the placeholder registry of {@link TestConfigs} refuses connections). Kafka Streams cannot
 * replace its global thread, so a global store that asked the registry would stop the accumulator
 * for the length of the outage; it keeps the topic's bytes instead.
 */
class AccumulatorGlobalStoresTest {

  @TempDir Path folder;

  @Test
  void anAnnouncedBaseAndAnImportAreKeptAsTheirBytesWhileTheRegistryIsDown() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put("state.dir", folder.resolve("state").toString());
    TrainerConfig config = new TrainerConfig(values);
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    // a record of a schema id this process never read: only the registry can say what it is
    byte[] base = WireFormat.frame(7, new byte[] {2, 'b'});
    byte[] adapterImport = WireFormat.frame(8, new byte[] {2, 'i'});

    try (ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator");
        TopologyTestDriver driver =
            new TopologyTestDriver(
                TrainerAccumulator.topology(
                    config,
                    topics,
                    new LocalArtifactStore(config.artifactStorePath()),
                    new ExampleDecryptor(new SubjectKeyMap(TestConfig.masterKeys())),
                    metrics),
                properties(config),
                Instant.EPOCH)) {
      raw(driver, topics.bases().name()).pipeInput("perennial-tiny-2", base);
      raw(driver, topics.imports().name()).pipeInput("acme/support", adapterImport);

      KeyValueStore<String, byte[]> bases = driver.getKeyValueStore(AccumulatorStores.BASES);
      KeyValueStore<String, byte[]> imports = driver.getKeyValueStore(AccumulatorStores.IMPORTS);
      assertThat(bases.get("perennial-tiny-2")).isEqualTo(base);
      assertThat(imports.get("acme/support")).isEqualTo(adapterImport);
      assertThat(topics.registry().outage()).as("nobody asked the registry").isEmpty();
    }
  }

  private static Properties properties(TrainerConfig config) {
    Properties properties = new Properties();
    properties.putAll(TrainerAccumulator.streamsProperties(config));
    return properties;
  }

  private static TestInputTopic<String, byte[]> raw(TopologyTestDriver driver, String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
  }
}
