package dev.perennial.core.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the services that run a Kafka Streams client ({@code core}'s {@code
 * kafka.StreamsService}: ingest, the trainer's accumulator), which both define.
 */
public final class StreamsSettings {

  public static final String FAILED_CLOSE_TIMEOUT_MS_CONFIG =
      "perennial.streams.failed.close.timeout.ms";
  public static final long FAILED_CLOSE_TIMEOUT_MS_DEFAULT = Duration.ofSeconds(5).toMillis();
  private static final String FAILED_CLOSE_TIMEOUT_MS_DOC =
      "How long a Kafka Streams client that failed on its own (ingest, the trainer's accumulator)"
          + " is given to close before its process exits with status 1 to be restarted. It may be"
          + " waiting out the abort of its open transaction (up to max.block.ms) meanwhile, which"
          + " the next instance fences anyway; 0 does not wait. A requested stop (SIGTERM) always"
          + " waits up to 30 s.";

  public static final String ROCKSDB_MEMORY_BYTES_CONFIG = "perennial.streams.rocksdb.memory.bytes";
  public static final long ROCKSDB_MEMORY_BYTES_DEFAULT = 64L * 1024 * 1024;
  private static final long ROCKSDB_MEMORY_BYTES_MIN = 8L * 1024 * 1024;
  private static final String ROCKSDB_MEMORY_BYTES_DOC =
      "Off-heap memory (bytes) that all RocksDB state stores of the process share (ingest's, the"
          + " accumulator's): one LRU block cache of this size holds their data, index and filter"
          + " blocks, and their memtables are counted against it (a WriteBufferManager), whatever"
          + " the number of stores and partitions. It lives outside the Java heap: the container's"
          + " memory limit must hold the heap, this budget and the JVM's own native memory"
          + " (metaspace, thread stacks, code cache; about 150 MiB). The default fits the Helm"
          + " chart's default 1Gi limit with MaxRAMPercentage=75. The bound is not strict: blocks"
          + " pinned by open iterators may exceed it briefly, and the stores' files still use the"
          + " OS page cache. At least 8 MiB.";

  public static final String ROCKSDB_WRITE_BUFFER_RATIO_CONFIG =
      "perennial.streams.rocksdb.write.buffer.ratio";
  public static final double ROCKSDB_WRITE_BUFFER_RATIO_DEFAULT = 0.5;
  private static final String ROCKSDB_WRITE_BUFFER_RATIO_DOC =
      "Share of "
          + ROCKSDB_MEMORY_BYTES_CONFIG
          + " that the stores' memtables (write buffers) may take together before RocksDB flushes"
          + " them to disk; the rest caches blocks for reads. From 0.1 to 0.9.";

  private static final ConfigDef ROCKSDB_DEFINITION = defineRocksDb(new ConfigDef());

  private StreamsSettings() {}

  /** {@code definition} with the keys. */
  public static ConfigDef define(ConfigDef definition) {
    return defineRocksDb(definition)
        .define(
            FAILED_CLOSE_TIMEOUT_MS_CONFIG,
            Type.LONG,
            FAILED_CLOSE_TIMEOUT_MS_DEFAULT,
            Range.between(0, Duration.ofMinutes(5).toMillis()),
            Importance.LOW,
            FAILED_CLOSE_TIMEOUT_MS_DOC);
  }

  private static ConfigDef defineRocksDb(ConfigDef definition) {
    return definition
        .define(
            ROCKSDB_MEMORY_BYTES_CONFIG,
            Type.LONG,
            ROCKSDB_MEMORY_BYTES_DEFAULT,
            Range.atLeast(ROCKSDB_MEMORY_BYTES_MIN),
            Importance.MEDIUM,
            ROCKSDB_MEMORY_BYTES_DOC)
        .define(
            ROCKSDB_WRITE_BUFFER_RATIO_CONFIG,
            Type.DOUBLE,
            ROCKSDB_WRITE_BUFFER_RATIO_DEFAULT,
            Range.between(0.1, 0.9),
            Importance.LOW,
            ROCKSDB_WRITE_BUFFER_RATIO_DOC);
  }

  /** {@value #FAILED_CLOSE_TIMEOUT_MS_CONFIG} of a config whose definition has the keys. */
  public static Duration failedCloseTimeout(AbstractConfig config) {
    return Duration.ofMillis(config.getLong(FAILED_CLOSE_TIMEOUT_MS_CONFIG));
  }

  /**
   * The RocksDB budget keys of a config whose definition has them, as Kafka Streams properties (the
   * config setter reads them back with {@link #rocksDbBudget}); empty for another config, whose
   * stores get the defaults.
   */
  public static Map<String, Object> rocksDbValues(AbstractConfig config) {
    Map<String, Object> values = new HashMap<>();
    for (String key : List.of(ROCKSDB_MEMORY_BYTES_CONFIG, ROCKSDB_WRITE_BUFFER_RATIO_CONFIG)) {
      if (config.values().containsKey(key)) {
        values.put(key, config.values().get(key));
      }
    }
    return values;
  }

  /** The RocksDB memory budget of a process. */
  public record RocksDbBudget(long bytes, double writeBufferRatio) {

    /** The bytes the stores' memtables may take together. */
    public long writeBufferBytes() {
      return (long) (bytes * writeBufferRatio);
    }
  }

  /**
   * The budget that {@code values} (Kafka Streams' configs, as a config setter gets them) set, the
   * defaults for keys they lack.
   *
   * @throws ConfigException naming the key of a value out of range or not a number
   */
  public static RocksDbBudget rocksDbBudget(Map<String, ?> values) {
    Map<String, Object> own = new HashMap<>();
    for (String key : ROCKSDB_DEFINITION.names()) {
      if (values.containsKey(key)) {
        own.put(key, values.get(key));
      }
    }
    Map<String, Object> parsed = ROCKSDB_DEFINITION.parse(own);
    return new RocksDbBudget(
        (Long) parsed.get(ROCKSDB_MEMORY_BYTES_CONFIG),
        (Double) parsed.get(ROCKSDB_WRITE_BUFFER_RATIO_CONFIG));
  }
}
