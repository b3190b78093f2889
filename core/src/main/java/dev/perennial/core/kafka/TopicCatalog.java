package dev.perennial.core.kafka;

import dev.perennial.core.config.PerennialConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The full names and settings of every {@link PerennialTopic} under one configuration: prefix,
 * partitions, replication factor, retention times and the compaction bound of the key topic.
 *
 * @param keysMaxCompactionLagMs the key topic's maximum compaction lag: how often its writer
 *     appends a roll marker, twice
 */
public record TopicCatalog(
    String topicPrefix,
    int partitions,
    short replicationFactor,
    long retentionMs,
    long longRetentionMs,
    long keysMaxCompactionLagMs) {

  /** A catalog whose key topic has the default compaction bound. */
  public TopicCatalog(
      String topicPrefix,
      int partitions,
      short replicationFactor,
      long retentionMs,
      long longRetentionMs) {
    this(
        topicPrefix,
        partitions,
        replicationFactor,
        retentionMs,
        longRetentionMs,
        PerennialConfig.TOPIC_KEYS_MAX_COMPACTION_LAG_MS_DEFAULT);
  }

  public static TopicCatalog from(PerennialConfig config) {
    return new TopicCatalog(
        config.topicPrefix(),
        config.topicPartitions(),
        config.topicReplicationFactor(),
        config.topicRetentionMs(),
        config.topicLongRetentionMs(),
        config.topicKeysMaxCompactionLagMs());
  }

  /** The topic's full name, for example {@code perennial.documents.v1}. */
  public String name(PerennialTopic topic) {
    return name(topicPrefix, topic);
  }

  /**
   * The topic's full name under {@code topicPrefix}, for example {@code perennial.documents.v1}.
   */
  public static String name(String topicPrefix, PerennialTopic topic) {
    return topicPrefix + topic.suffix();
  }

  public TopicSpec spec(PerennialTopic topic) {
    return new TopicSpec(name(topic), partitions, replicationFactor, configs(topic));
  }

  /**
   * The {@code min.insync.replicas} of a topic replicated {@code replicationFactor} times: 2 from 3
   * replicas on, so that a write acknowledged to an {@code acks=all} producer is held by two
   * brokers (the brokers' default of 1 acknowledges a write one replica holds, lost with that
   * broker) while one broker may be down; empty below 3 replicas (or the broker's default factor),
   * where the brokers' own setting stands.
   */
  public static Optional<String> minInsyncReplicas(short replicationFactor) {
    return replicationFactor >= 3 ? Optional.of("2") : Optional.empty();
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
        if (topic == PerennialTopic.DOCUMENTS || topic == PerennialTopic.FEEDBACK) {
          // Ingest deletes what it consumed; a segment's file leaves the broker's disk only once
          // the whole segment is deleted, so segments are kept short.
          configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(keysMaxCompactionLagMs));
        }
      }
      case LONG -> {
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(longRetentionMs));
      }
      case COMPACTED ->
          configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      case SHREDDING -> configs.putAll(shreddingConfigs());
    }
    minInsyncReplicas(replicationFactor)
        .ifPresent(value -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, value));
    return configs;
  }

  /**
   * The settings of a compacted log whose deleted keys must be gone within a bound (the key topic,
   * ingest's key-store changelog and its consent-store changelog): a segment rolls after at most
   * the maximum compaction lag (the key logs' writer appends a marker at least every half lag,
   * since a segment only rolls on an append; the consent-store changelog rolls on its next record
   * after the lag), a rolled segment is compacted at once, and the cleaned-away files leave the
   * broker's disk after a second. A deleted key's records are then gone within 1.5 lags plus the
   * broker's {@code log.cleaner.backoff.ms} and the cleaning itself.
   */
  public Map<String, String> shreddingConfigs() {
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(keysMaxCompactionLagMs));
    configs.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(keysMaxCompactionLagMs));
    configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0");
    configs.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "1000");
    // The broker's clock, not the writer's: rolling and the compaction lag go by these times.
    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    return configs;
  }
}
