package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.serde.WireFormat;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.testing.AccumulatorDriver;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
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
    // a record of a schema id this process never read: only the registry can say what it is
    byte[] base = WireFormat.frame(7, new byte[] {2, 'b'});
    byte[] adapterImport = WireFormat.frame(8, new byte[] {2, 'i'});

    try (AccumulatorDriver accumulator =
        AccumulatorDriver.start(AccumulatorDriver.values(folder), Instant.EPOCH)) {
      TopologyTestDriver driver = accumulator.driver();
      Topics topics = accumulator.topics();
      accumulator.raw(topics.bases().name()).pipeInput("perennial-tiny-2", base);
      accumulator.raw(topics.imports().name()).pipeInput("acme/support", adapterImport);

      KeyValueStore<String, byte[]> bases = driver.getKeyValueStore(AccumulatorStores.BASES);
      KeyValueStore<String, byte[]> imports = driver.getKeyValueStore(AccumulatorStores.IMPORTS);
      assertThat(bases.get("perennial-tiny-2")).isEqualTo(base);
      assertThat(imports.get("acme/support")).isEqualTo(adapterImport);
      assertThat(topics.registry().outage()).as("nobody asked the registry").isEmpty();
    }
  }
}
