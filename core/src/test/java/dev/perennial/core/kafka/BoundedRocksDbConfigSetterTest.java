package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.config.StreamsSettings.RocksDbBudget;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** The setter on real RocksDB databases, configured as Kafka Streams configures a store. */
class BoundedRocksDbConfigSetterTest {

  private static final long MIB = 1024 * 1024;

  @TempDir Path folder;

  /** A budget of its own, so that no other test's stores share its cache. */
  private static final Map<String, Object> CONFIGS =
      Map.of(
          StreamsSettings.ROCKSDB_MEMORY_BYTES_CONFIG,
          48 * MIB,
          StreamsSettings.ROCKSDB_WRITE_BUFFER_RATIO_CONFIG,
          0.5);

  @Test
  void theMemtablesOfEveryStoreAreCountedInTheOneSharedCache() throws RocksDBException {
    BoundedRocksDbConfigSetter.Shared shared =
        BoundedRocksDbConfigSetter.shared(new RocksDbBudget(48 * MIB, 0.5));
    long before = shared.cache().getUsage();

    try (Options first = storeOptions("first");
        RocksDB firstDb = RocksDB.open(first, folder.resolve("first").toString())) {
      write(firstDb, 4 * MIB);
      assertThat(shared.cache().getUsage()).isGreaterThanOrEqualTo(before + 4 * MIB);

      try (Options second = storeOptions("second");
          RocksDB secondDb = RocksDB.open(second, folder.resolve("second").toString())) {
        write(secondDb, 4 * MIB);
        assertThat(shared.cache().getUsage()).isGreaterThanOrEqualTo(before + 8 * MIB);
      }
    }
  }

  @Test
  void aStoreClosedLeavesTheSharedCacheToTheOthers() throws RocksDBException {
    BoundedRocksDbConfigSetter setter = new BoundedRocksDbConfigSetter();
    Options closed = storeOptions("closed");
    try (RocksDB db = RocksDB.open(closed, folder.resolve("closed").toString())) {
      write(db, MIB);
    }
    // as Streams closes a store: the setter's close, then the options
    setter.close("closed", closed);
    closed.close();

    try (Options open = storeOptions("open");
        RocksDB db = RocksDB.open(open, folder.resolve("open").toString())) {
      write(db, MIB);
      db.flush(new org.rocksdb.FlushOptions().setWaitForFlush(true));
      assertThat(db.get(key(0))).hasSize(1024);
    }
  }

  @Test
  void aBudgetOutOfRangeFailsNamingItsKey() {
    BoundedRocksDbConfigSetter setter = new BoundedRocksDbConfigSetter();
    try (Options options = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
      assertThatThrownBy(
              () ->
                  setter.setConfig(
                      "store",
                      options,
                      Map.of(StreamsSettings.ROCKSDB_WRITE_BUFFER_RATIO_CONFIG, 0.95)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(StreamsSettings.ROCKSDB_WRITE_BUFFER_RATIO_CONFIG);
    }
  }

  @Test
  void aConfigWithABudgetTooSmallIsRefusedAtStartNamingTheKey() {
    Map<String, String> values = new HashMap<>(minimal());
    values.put(StreamsSettings.ROCKSDB_MEMORY_BYTES_CONFIG, String.valueOf(MIB));

    assertThatThrownBy(() -> streamsConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(StreamsSettings.ROCKSDB_MEMORY_BYTES_CONFIG);
  }

  @Test
  void theStreamsPropertiesNameTheSetterAndCarryTheConfiguredBudget() {
    Map<String, String> values = new HashMap<>(minimal());
    values.put(StreamsSettings.ROCKSDB_MEMORY_BYTES_CONFIG, String.valueOf(96 * MIB));

    Map<String, Object> properties =
        StreamsProperties.builder(streamsConfig(values), "perennial-ingest")
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .build();

    assertThat(properties)
        .containsEntry(
            StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
            BoundedRocksDbConfigSetter.class.getName());
    assertThat(StreamsSettings.rocksDbBudget(properties))
        .isEqualTo(new RocksDbBudget(96 * MIB, StreamsSettings.ROCKSDB_WRITE_BUFFER_RATIO_DEFAULT));
  }

  /** Options as Streams makes them for a store, then given to the setter. */
  private Options storeOptions(String store) {
    BlockBasedTableConfig tableConfig = new BlockBasedTableConfig();
    Options options = new Options().setCreateIfMissing(true).setTableFormatConfig(tableConfig);
    new BoundedRocksDbConfigSetter().setConfig(store, options, CONFIGS);
    return options;
  }

  private static void write(RocksDB db, long bytes) throws RocksDBException {
    byte[] value = new byte[1024];
    Arrays.fill(value, (byte) 'v');
    for (int i = 0; i < bytes / value.length; i++) {
      db.put(key(i), value);
    }
  }

  private static byte[] key(int i) {
    return String.format("key-%08d", i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Map<String, String> minimal() {
    return Map.of(
        PerennialConfig.BOOTSTRAP_SERVERS_CONFIG,
        "unused.invalid:9092",
        PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG,
        "http://unused.invalid");
  }

  private static PerennialConfig streamsConfig(Map<String, String> values) {
    return new PerennialConfig(StreamsSettings.define(PerennialConfig.configDef()), values) {};
  }
}
