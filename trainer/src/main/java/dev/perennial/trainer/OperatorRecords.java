package dev.perennial.trainer;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import java.time.Duration;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records operator commands make (base announcements, adapter imports) on their compacted
 * topics: writing one (creating the topic when missing, waiting until the broker has it) and
 * reading the latest of each key.
 */
public final class OperatorRecords {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private OperatorRecords() {}

  /**
   * @param topic the topic, as {@link Topics} binds it
   * @param client names the admin and producer clients ({@code perennial-<client>})
   */
  public static <V> void write(
      PerennialConfig config,
      PerennialTopic which,
      Function<Topics, Topic<String, V>> topic,
      String client,
      String key,
      V value) {
    TopicProvisioner.provision(config, "perennial-" + client + "-admin", which);
    Topic<String, V> bound =
        topic.apply(Topics.create(TopicCatalog.from(config), config.clientProperties()));
    try (KafkaProducer<String, V> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config, "perennial-" + client),
            bound.keySerde().serializer(),
            bound.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(bound.name(), key, value)).get();
    } catch (ExecutionException e) {
      throw new TrainerException("Cannot write to " + bound.name() + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainerException("Interrupted writing to " + bound.name(), e);
    }
  }

  /** The latest record of every key on the topic (a tombstone removes a key), by key. */
  public static <V> SortedMap<String, V> latest(
      PerennialConfig config,
      PerennialTopic which,
      Function<Topics, Topic<String, V>> topic,
      String client) {
    TopicProvisioner.provision(config, "perennial-" + client + "-admin", which);
    Topic<String, V> bound =
        topic.apply(Topics.create(TopicCatalog.from(config), config.clientProperties()));
    return TopicReader.readLatest(
        config.clientProperties(),
        bound.name(),
        bound.keySerde().deserializer(),
        bound.valueSerde().deserializer(),
        READ_TIMEOUT);
  }
}
