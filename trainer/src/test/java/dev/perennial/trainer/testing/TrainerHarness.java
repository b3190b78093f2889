package dev.perennial.trainer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardReader;
import dev.perennial.trainer.shard.SourcedExample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;

/** The trainer against the test broker and registry: configuration, topics, records, shards. */
public final class TrainerHarness {

  private final KafkaClusterExtension kafka;
  private final TopicCatalog catalog;
  private final Map<String, String> values;
  private final Topics topics;

  public TrainerHarness(
      KafkaClusterExtension kafka, SchemaRegistryExtension registry, Path folder) {
    this.kafka = kafka;
    this.catalog = kafka.provisionCatalog();
    this.values = TestConfigs.tinyRecipe(folder);
    values.putAll(TestConfig.values(kafka, registry));
    values.put(TrainerConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    // the accumulator provisions the key topic: as the catalog made it
    values.put(
        TrainerConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.SUBJECT_KEYS).partitions()));
    values.put(
        TrainerConfig.ACCUMULATOR_APPLICATION_ID_CONFIG, kafka.uniqueName("trainer-accumulator"));
    values.put(TrainerConfig.WORKER_GROUP_ID_CONFIG, kafka.uniqueName("trainer-worker"));
    values.put(TrainerConfig.WORKER_ID_CONFIG, kafka.uniqueName("worker"));
    values.put(TrainerConfig.TRIGGER_CHECK_INTERVAL_MS_CONFIG, "200");
    // No evaluator or publisher decides candidates here: a key's jobs train one after the other
    // without waiting (DecisionWaitIT sets a wait).
    values.put(TrainerConfig.WORKER_DECISION_WAIT_MS_CONFIG, "0");
    values.put("state.dir", folder.resolve("streams").toString());
    this.topics = Topics.create(catalog, new TrainerConfig(values).clientProperties());
  }

  /** The configuration values, to adjust before {@link #config()}. */
  public Map<String, String> values() {
    return values;
  }

  public TrainerConfig config() {
    return new TrainerConfig(values);
  }

  public Topics topics() {
    return topics;
  }

  public TopicCatalog catalog() {
    return catalog;
  }

  public <V extends SpecificRecord> void produce(
      Topic<String, V> topic, List<KeyValue<String, V>> records) {
    kafka.produce(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), records);
  }

  /** Every committed record of the topic so far, partition by partition. */
  public <V> List<V> readAll(Topic<String, V> topic) {
    return TopicReader.readAll(
        kafka.clientProperties(),
        topic.name(),
        topic.keySerde().deserializer(),
        topic.valueSerde().deserializer(),
        Duration.ofSeconds(30));
  }

  /** Committed records of the topic, once {@code done} holds for them (or the timeout passes). */
  public <V> List<V> await(Topic<String, V> topic, Predicate<List<V>> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<V> values = readAll(topic);
    while (!done.test(values) && System.nanoTime() < deadline) {
      sleep(250);
      values = readAll(topic);
    }
    assertThat(done.test(values)).as("records of %s: %s", topic.name(), values).isTrue();
    return values;
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The examples of the shards, read as their tenant. */
  public static List<SourcedExample> examples(
      ArtifactStore store, String tenant, List<ShardRef> refs) {
    List<SourcedExample> examples = new ArrayList<>();
    for (ShardRef ref : refs) {
      Shard shard = ShardReader.read(store, Digest.parse(ref.getDigest()), tenant, null);
      examples.addAll(shard.examples());
    }
    return examples;
  }
}
