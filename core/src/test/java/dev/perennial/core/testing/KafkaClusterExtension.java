package dev.perennial.core.testing;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;

/**
 * A real Kafka broker for tests: Testcontainers' Kafka where a Docker daemon is available, the
 * in-process KRaft broker ({@link dev.perennial.core.embedded.EmbeddedKafka}) otherwise. One broker
 * is shared by every test class of the JVM and stopped at the end, so give each test its own topics
 * ({@link #uniqueName}, {@link #provisionCatalog()}). Topics are never auto-created.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
 * }</pre>
 */
public final class KafkaClusterExtension extends SharedResourceExtension<SharedKafkaBroker> {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final int CATALOG_PARTITIONS = 2;
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

  public KafkaClusterExtension() {
    super(SharedKafkaBroker.class, "The Kafka broker");
  }

  @Override
  SharedKafkaBroker start() {
    return SharedKafkaBroker.start();
  }

  /** {@code host:port} of the broker. */
  public String bootstrapServers() {
    return started().bootstrapServers();
  }

  /** Whether the broker runs in a Docker container (else in this JVM). */
  public boolean runsInContainer() {
    return started().inContainer();
  }

  /** The properties a Kafka client needs to reach the broker (a fresh, mutable map). */
  public Map<String, Object> clientProperties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return properties;
  }

  /** A new admin client; the caller closes it. */
  public Admin createAdmin() {
    return Admin.create(clientProperties());
  }

  /** {@code base} plus a suffix no other call in this JVM returns: a topic, group or subject. */
  public String uniqueName(String base) {
    return base + "-" + NAMES.incrementAndGet();
  }

  /**
   * Creates every topic of the catalog under a fresh prefix ({@code test-<n>.}), with 2 partitions
   * and the default settings, and returns the catalog that names them. Configure the code under
   * test with {@code perennial.topic.prefix = catalog.topicPrefix()}.
   */
  public TopicCatalog provisionCatalog() {
    TopicCatalog catalog =
        new TopicCatalog(
            uniqueName("test") + ".",
            CATALOG_PARTITIONS,
            PerennialConfig.TOPIC_REPLICATION_FACTOR_DEFAULT,
            PerennialConfig.TOPIC_RETENTION_MS_DEFAULT,
            PerennialConfig.TOPIC_LONG_RETENTION_MS_DEFAULT);
    provision(catalog.specs());
    return catalog;
  }

  /** Creates the topics through {@link TopicProvisioner}: returns when they accept records. */
  public TopicProvisioner.Result provision(Collection<TopicSpec> specs) {
    try (Admin admin = createAdmin()) {
      return new TopicProvisioner(admin, ADMIN_TIMEOUT).provision(specs);
    }
  }

  /** Sets one config of an existing topic, e.g. {@code max.message.bytes}. */
  public void setTopicConfig(String topic, String key, String value) {
    try (Admin admin = createAdmin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while configuring " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("Cannot set " + key + " of " + topic + ": " + e, e);
    }
  }

  /** The members of a consumer group, as its coordinator sees them (none before it exists). */
  public int groupMembers(String groupId) {
    try (Admin admin = createAdmin()) {
      return admin
          .describeConsumerGroups(List.of(groupId))
          .describedGroups()
          .get(groupId)
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .members()
          .size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while describing the group " + groupId, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return 0;
      }
      throw new AssertionError("Cannot describe the group " + groupId + ": " + e, e);
    } catch (TimeoutException e) {
      throw new AssertionError("Cannot describe the group " + groupId + ": " + e, e);
    }
  }

  /** Creates a topic with the broker's default settings; returns its name. */
  public String createTopic(String name, int partitions) {
    provision(List.of(TopicSpec.of(name, partitions)));
    return name;
  }

  /** Writes the records (idempotent producer, acks=all) and returns when all are acknowledged. */
  public <K, V> void produce(
      String topic,
      Serializer<K> keySerializer,
      Serializer<V> valueSerializer,
      List<KeyValue<K, V>> records) {
    produce(topic, keySerializer, valueSerializer, records, null);
  }

  /** Writes the records with the given record timestamp (null: the producer's clock). */
  public <K, V> void produce(
      String topic,
      Serializer<K> keySerializer,
      Serializer<V> valueSerializer,
      List<KeyValue<K, V>> records,
      Long timestamp) {
    Map<String, Object> properties = clientProperties();
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<K, V> producer =
        new KafkaProducer<>(properties, keySerializer, valueSerializer)) {
      List<Future<?>> sent = new ArrayList<>();
      for (KeyValue<K, V> record : records) {
        sent.add(
            producer.send(new ProducerRecord<>(topic, null, timestamp, record.key, record.value)));
      }
      for (Future<?> future : sent) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while producing to " + topic, e);
    } catch (ExecutionException e) {
      throw new AssertionError("Producing to " + topic + " failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Reads the topic from the beginning (committed records only, every partition) until at least
   * {@code count} records arrived, and returns all records read.
   *
   * @throws AssertionError when fewer than {@code count} arrive within {@code timeout}
   */
  public <K, V> List<ConsumerRecord<K, V>> consume(
      String topic,
      int count,
      Duration timeout,
      Deserializer<K> keyDeserializer,
      Deserializer<V> valueDeserializer) {
    Map<String, Object> properties = clientProperties();
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer =
        new KafkaConsumer<>(properties, keyDeserializer, valueDeserializer)) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, ADMIN_TIMEOUT);
      if (partitions == null || partitions.isEmpty()) {
        throw new AssertionError("Topic " + topic + " does not exist");
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    if (records.size() < count) {
      throw new AssertionError(
          "Expected at least "
              + count
              + " records in "
              + topic
              + " within "
              + timeout
              + ", got "
              + records.size()
              + ": "
              + records);
    }
    return records;
  }
}
