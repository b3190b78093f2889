package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.testing.RocksDbCacheMetrics;
import dev.perennial.trainer.testing.AccumulatorDriver;
import java.nio.file.Path;
import java.time.Instant;
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
    try (AccumulatorDriver accumulator =
        AccumulatorDriver.start(AccumulatorDriver.values(folder), Instant.EPOCH)) {
      assertThat(RocksDbCacheMetrics.blockCacheCapacities(accumulator.driver().metrics()))
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
