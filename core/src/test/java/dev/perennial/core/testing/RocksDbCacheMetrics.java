package dev.perennial.core.testing;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * What Kafka Streams reports of its RocksDB stores' block caches (the {@code block-cache-capacity}
 * metric of KIP-607, recorded at level INFO): a store whose block cache is the shared, bounded one
 * reports the budget's capacity; one left to Streams' defaults reports a cache of its own (50 MiB).
 */
public final class RocksDbCacheMetrics {

  private RocksDbCacheMetrics() {}

  /**
   * The block-cache capacity in bytes of every RocksDB store among {@code metrics} (a Streams
   * client's or a {@code TopologyTestDriver}'s), by store name; the segments of a window store
   * count as one store.
   */
  public static Map<String, Long> blockCacheCapacities(Map<MetricName, ? extends Metric> metrics) {
    Map<String, Long> capacities = new TreeMap<>();
    metrics.forEach(
        (name, metric) -> {
          if (name.name().equals("block-cache-capacity")) {
            capacities.put(storeOf(name), ((Number) metric.metricValue()).longValue());
          }
        });
    return capacities;
  }

  private static String storeOf(MetricName name) {
    return name.tags().entrySet().stream()
        .filter(tag -> tag.getKey().endsWith("-state-id"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("a store metric without a store: " + name));
  }
}
