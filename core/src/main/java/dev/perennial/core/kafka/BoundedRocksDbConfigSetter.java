package dev.perennial.core.kafka;

import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.config.StreamsSettings.RocksDbBudget;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of the process, as Kafka Streams' memory
 * management guide does ({@code BoundedMemoryRocksDBConfig}): all stores, of every task and
 * partition, share one LRU block cache of {@value StreamsSettings#ROCKSDB_MEMORY_BYTES_CONFIG}
 * bytes that also holds their index and filter blocks, and one write buffer manager that counts
 * their memtables against that cache ({@value StreamsSettings#ROCKSDB_WRITE_BUFFER_RATIO_CONFIG} of
 * it). Without it each store of each partition gets Streams' own 50 MiB cache and up to three 16
 * MiB memtables, and index and filter blocks outside any cache.
 *
 * <p>Kafka Streams makes a setter per store from its class ({@link StreamsProperties} names this
 * one), so the shared cache and manager live in a static map, one pair per budget: one per process
 * in a deployment, where one budget is configured. They live as long as the process.
 */
public final class BoundedRocksDbConfigSetter implements RocksDBConfigSetter {

  /** Share of the cache kept for index and filter blocks (high priority), as in Kafka's guide. */
  static final double INDEX_FILTER_BLOCK_RATIO = 0.1;

  private static final Map<RocksDbBudget, Shared> SHARED = new ConcurrentHashMap<>();

  /** The cache and the write buffer manager that every store of one budget shares. */
  record Shared(Cache cache, WriteBufferManager writeBufferManager) {

    static Shared of(RocksDbBudget budget) {
      RocksDB.loadLibrary(); // loaded once; Streams has loaded it before it calls a setter
      // not a strict limit: a full strict cache fails reads and writes instead of going over
      Cache cache = new LRUCache(budget.bytes(), -1, false, INDEX_FILTER_BLOCK_RATIO);
      return new Shared(cache, new WriteBufferManager(budget.writeBufferBytes(), cache));
    }
  }

  /**
   * @throws org.apache.kafka.common.config.ConfigException naming the key of a budget value out of
   *     range
   */
  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Shared shared = shared(StreamsSettings.rocksDbBudget(configs));
    // the table config Streams set up (its bloom filter, block size), changed in place
    BlockBasedTableConfig tableConfig = (BlockBasedTableConfig) options.tableFormatConfig();
    tableConfig.setBlockCache(shared.cache());
    tableConfig.setCacheIndexAndFilterBlocks(true);
    tableConfig.setCacheIndexAndFilterBlocksWithHighPriority(true);
    tableConfig.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(shared.writeBufferManager());
    options.setTableFormatConfig(tableConfig);
  }

  @Override
  public void close(String storeName, Options options) {
    // Nothing of this store's own: the cache and the write buffer manager are every store's, and
    // closing them here would free memory the other stores still use. Streams closes the bloom
    // filter and the 50 MiB cache it made for the store (unused, so never filled) itself.
  }

  /** The cache and manager of {@code budget}, made by the first store that asks. */
  static Shared shared(RocksDbBudget budget) {
    return SHARED.computeIfAbsent(budget, Shared::of);
  }
}
