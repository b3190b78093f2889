package dev.perennial.trainer.testing;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production accumulator topology ({@link TrainerAccumulator#topology}) with the production
 * Streams configuration ({@link TrainerAccumulator#streamsProperties}) in a {@link
 * TopologyTestDriver}, on a real {@link LocalArtifactStore} at the configured store path. The
 * serdes are those of {@link Topics}: on the registry the values name (the placeholder of {@link
 * TestConfigs}, which refuses connections, unless a test sets a real one).
 */
public final class AccumulatorDriver implements AutoCloseable {

  private final TrainerConfig config;
  private final Topics topics;
  private final LocalArtifactStore store;
  private final ServiceMetrics metrics;
  private final TopologyTestDriver driver;

  private AccumulatorDriver(Map<String, String> values, SubjectKeyMap keys, Instant wallClock) {
    config = new TrainerConfig(values);
    topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    Properties properties = new Properties();
    properties.putAll(TrainerAccumulator.streamsProperties(config));
    store = new LocalArtifactStore(config.artifactStorePath());
    metrics = ServiceMetrics.create("trainer-accumulator");
    try {
      driver =
          new TopologyTestDriver(
              TrainerAccumulator.topology(
                  config, topics, store, new ExampleDecryptor(keys), metrics),
              properties,
              wallClock);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  /** {@link TestConfigs#tinyRecipe} with the Streams state folder under {@code folder}. */
  public static Map<String, String> values(Path folder) {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(StreamsConfig.STATE_DIR_CONFIG, folder.resolve("state").toString());
    return values;
  }

  /** The accumulator on {@code values}, with a key log holding no subject's key. */
  public static AccumulatorDriver start(Map<String, String> values, Instant wallClock) {
    return start(values, new SubjectKeyMap(TestConfig.masterKeys()), wallClock);
  }

  /** The accumulator on {@code values}, decrypting examples with the keys of {@code keys}. */
  public static AccumulatorDriver start(
      Map<String, String> values, SubjectKeyMap keys, Instant wallClock) {
    return new AccumulatorDriver(values, keys, wallClock);
  }

  public TrainerConfig config() {
    return config;
  }

  public Topics topics() {
    return topics;
  }

  /** The artifact store the topology writes its shards to. */
  public LocalArtifactStore store() {
    return store;
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  /** {@code topic} as an input, with its own serdes. */
  public <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /** {@code topic} as an output, with its own serdes. */
  public <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  /** The topic named {@code topic} as an input of string keys and values as their bytes. */
  public TestInputTopic<String, byte[]> raw(String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
  }

  /** The count of the counter {@code name} tagged {@code outcome}, 0 where none was made. */
  public double counted(String name, String outcome) {
    Counter counter = metrics.registry().find(name).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    try {
      driver.close();
    } finally {
      metrics.close();
    }
  }
}
