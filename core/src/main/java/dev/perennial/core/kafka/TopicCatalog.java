package dev.perennial.core.kafka;

import dev.perennial.core.config.PerennialConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The full names and settings of every {@link PerennialTopic} under one configuration: prefix,
 * partitions, replication factor and retention times.
 */
public final class TopicCatalog {

  private final String topicPrefix;
  private final int partitions;
  private final short replicationFactor;
  private final long retentionMs;
  private final long longRetentionMs;

  public TopicCatalog(
      String topicPrefix,
      int partitions,
      short replicationFactor,
      long retentionMs,
      long longRetentionMs) {
    this.topicPrefix = topicPrefix;
    this.partitions = partitions;
    this.replicationFactor = replicationFactor;
    this.retentionMs = retentionMs;
    this.longRetentionMs = longRetentionMs;
  }

  public static TopicCatalog from(PerennialConfig config) {
    return new TopicCatalog(
        config.topicPrefix(),
        config.topicPartitions(),
        config.topicReplicationFactor(),
        config.topicRetentionMs(),
        config.topicLongRetentionMs());
  }

  public String topicPrefix() {
    return topicPrefix;
  }

  /** The topic's full name, for example {@code perennial.documents.v1}. */
  public String name(PerennialTopic topic) {
    return topicPrefix + topic.suffix();
  }

  public TopicSpec spec(PerennialTopic topic) {
    return new TopicSpec(name(topic), partitions, replicationFactor, configs(topic));
  }

  /** Every topic of the catalog, in {@link PerennialTopic}'s order. */
  public List<TopicSpec> specs() {
    return Arrays.stream(PerennialTopic.values()).map(this::spec).toList();
  }

  private Map<String, String> configs(PerennialTopic topic) {
    Map<String, String> configs = new LinkedHashMap<>();
    switch (topic.retention()) {
      case STANDARD -> {
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
      }
      case LONG -> {
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(longRetentionMs));
      }
      case COMPACTED ->
          configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    return configs;
  }
}
