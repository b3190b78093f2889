package dev.perennial.core.kafka;

import dev.perennial.core.config.PerennialConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Properties of the Kafka clients Perennial creates: the configuration's client properties (see
 * {@link PerennialConfig#clientProperties()}) plus the settings Perennial's guarantees rest on,
 * which win over a conflicting value in the configuration (a warning names it).
 */
public final class KafkaClients {

  private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);

  /**
   * Where a group without a committed offset starts: the beginning, whatever a carried-over client
   * configuration says ({@code latest} would skip everything written before the group first joined:
   * jobs, candidates, verdicts, documents, examples).
   */
  static final String EARLIEST = "earliest";

  private KafkaClients() {}

  public static Map<String, Object> admin(PerennialConfig config, String clientId) {
    Map<String, Object> properties = new HashMap<>(config.clientProperties());
    enforce(properties, CommonClientConfigs.CLIENT_ID_CONFIG, requireText(clientId, "clientId"));
    return properties;
  }

  /**
   * An idempotent producer that waits for every in-sync replica: no duplicates, and no loss of an
   * acknowledged write while {@code min.insync.replicas} is at least 2 (what {@link TopicCatalog}
   * sets on topics of 3 replicas or more).
   */
  public static Map<String, Object> producer(PerennialConfig config, String clientId) {
    Map<String, Object> properties = new HashMap<>(config.clientProperties());
    enforce(properties, ProducerConfig.CLIENT_ID_CONFIG, requireText(clientId, "clientId"));
    enforce(properties, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    enforce(properties, ProducerConfig.ACKS_CONFIG, "all");
    return properties;
  }

  /**
   * A transactional producer (idempotent, acks=all, see {@link #producer}) whose transactional id
   * is also its client id: starting one fences an earlier instance with the same id.
   */
  public static Map<String, Object> transactionalProducer(
      PerennialConfig config, String transactionalId) {
    Map<String, Object> properties = producer(config, transactionalId);
    enforce(properties, ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return properties;
  }

  /**
   * A consumer that sees only committed transactional records, commits offsets itself and starts at
   * the beginning of a partition it has no offset for (each whatever the configuration says).
   */
  public static Map<String, Object> consumer(PerennialConfig config, String groupId) {
    Map<String, Object> properties = new HashMap<>(config.clientProperties());
    enforce(properties, ConsumerConfig.GROUP_ID_CONFIG, requireText(groupId, "groupId"));
    enforce(
        properties,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
    enforce(properties, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    enforce(properties, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, EARLIEST);
    return properties;
  }

  /** Sets the key, warning when the configuration asked for something else. */
  static void enforce(Map<String, Object> properties, String key, String value) {
    Object previous = properties.put(key, value);
    if (previous != null && !Objects.equals(previous.toString(), value)) {
      log.warn(
          "Configuration sets {}={}, but Perennial needs {}; using {}",
          key,
          previous,
          value,
          value);
    }
  }

  static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }
}
