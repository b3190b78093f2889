package dev.perennial.core.kafka;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.StreamsSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * The base properties of a Kafka Streams application: exactly-once processing, the replication
 * factor and {@code min.insync.replicas} of internal topics (as {@link TopicCatalog}'s), record
 * time that no record's timestamp can break ({@link SaneTimestampExtractor}), RocksDB stores within
 * one bounded memory budget ({@link BoundedRocksDbConfigSetter}, {@link StreamsSettings}' keys when
 * the config defines them, else their defaults), and exception handlers that each application must
 * choose explicitly ({@link #build()} refuses to guess).
 *
 * <pre>{@code
 * Map<String, Object> props = StreamsProperties.builder(config, "perennial-ingest")
 *     .deserializationExceptionHandler(IngestDeserializationHandler.class)
 *     .productionExceptionHandler(IngestProductionHandler.class)
 *     .build();
 * }</pre>
 */
public final class StreamsProperties {

  private final PerennialConfig config;
  private final String applicationId;
  private Class<? extends DeserializationExceptionHandler> deserializationExceptionHandler;
  private Class<? extends ProductionExceptionHandler> productionExceptionHandler;
  private Class<? extends ProcessingExceptionHandler> processingExceptionHandler;

  private StreamsProperties(PerennialConfig config, String applicationId) {
    this.config = config;
    this.applicationId = KafkaClients.requireText(applicationId, "applicationId");
  }

  public static StreamsProperties builder(PerennialConfig config, String applicationId) {
    return new StreamsProperties(config, applicationId);
  }

  /** What to do with a record that cannot be deserialized. Required. */
  public StreamsProperties deserializationExceptionHandler(
      Class<? extends DeserializationExceptionHandler> handler) {
    this.deserializationExceptionHandler = handler;
    return this;
  }

  /** What to do when a record cannot be serialized or written. Required. */
  public StreamsProperties productionExceptionHandler(
      Class<? extends ProductionExceptionHandler> handler) {
    this.productionExceptionHandler = handler;
    return this;
  }

  /** What to do when a processor throws. Optional: by default Streams fails. */
  public StreamsProperties processingExceptionHandler(
      Class<? extends ProcessingExceptionHandler> handler) {
    this.processingExceptionHandler = handler;
    return this;
  }

  /**
   * @throws IllegalStateException when the deserialization or production handler is not set
   */
  public Map<String, Object> build() {
    if (deserializationExceptionHandler == null || productionExceptionHandler == null) {
      throw new IllegalStateException(
          "Streams application "
              + applicationId
              + " must set its deserialization and production exception handlers explicitly");
    }
    Map<String, Object> properties = new HashMap<>(config.clientProperties());
    KafkaClients.enforce(properties, StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    KafkaClients.enforce(
        properties, StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Streams' own default, kept against a carried-over client configuration: a new application
    // reads its input from the beginning
    KafkaClients.enforce(
        properties, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, KafkaClients.EARLIEST);
    properties.putIfAbsent(
        StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplicationFactor());
    // the internal topics take an acknowledged write only as the catalog's topics do
    TopicCatalog.minInsyncReplicas(config.topicReplicationFactor())
        .ifPresent(
            value ->
                properties.putIfAbsent(
                    StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), value));
    properties.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        deserializationExceptionHandler);
    properties.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, productionExceptionHandler);
    KafkaClients.enforce(
        properties,
        StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
        SaneTimestampExtractor.class.getName());
    KafkaClients.enforce(
        properties,
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
        BoundedRocksDbConfigSetter.class.getName());
    properties.putAll(StreamsSettings.rocksDbValues(config));
    // Kafka 5.0's default, taken now: global stores' processing errors go through the same handler
    // (by default it fails, as the global thread does without it).
    properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    if (processingExceptionHandler != null) {
      properties.put(
          StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, processingExceptionHandler);
    }
    return properties;
  }
}
