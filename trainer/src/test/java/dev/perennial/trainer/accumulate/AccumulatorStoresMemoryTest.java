package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.RocksDbCacheMetrics;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accumulator's persistent stores, opened by the production topology with the production
 * Streams configuration on real RocksDB: their memory is the one bounded budget of the process.
 */
class AccumulatorStoresMemoryTest {

  @TempDir Path folder;

  @Test
  void everyPersistentStoreCachesItsBlocksInTheSharedCacheOfTheRocksDbBudget() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put("state.dir", folder.resolve("state").toString());
    TrainerConfig config = new TrainerConfig(values);
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    Properties properties = new Properties();
    properties.putAll(TrainerAccumulator.streamsProperties(config));

    try (ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator");
        TopologyTestDriver driver =
            new TopologyTestDriver(
                TrainerAccumulator.topology(
                    config,
                    topics,
                    new LocalArtifactStore(config.artifactStorePath()),
                    new ExampleDecryptor(new SubjectKeyMap(TestConfig.masterKeys())),
                    metrics),
                properties,
                Instant.EPOCH)) {
      assertThat(RocksDbCacheMetrics.blockCacheCapacities(driver.metrics()))
          .containsKeys(
              AccumulatorStores.PENDING,
              AccumulatorStores.ACCUMULATION,
              AccumulatorStores.SHARDS,
              AccumulatorStores.JOBS,
              AccumulatorStores.CANDIDATES,
              AccumulatorStores.RELEASES,
              AccumulatorStores.STABLES)
          .allSatisfy(
              (store, capacity) ->
                  assertThat(capacity).isEqualTo(StreamsSettings.ROCKSDB_MEMORY_BYTES_DEFAULT));
    }
  }
}
