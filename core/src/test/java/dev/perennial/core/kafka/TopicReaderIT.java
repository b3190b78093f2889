package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.PerennialException;
import dev.perennial.core.testing.KafkaClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicReaderIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void everyCommittedRecordIsReadAndAnAbortedOneIsNot() {
    String topic = KAFKA.createTopic(KAFKA.uniqueName("read-all"), 2);
    Map<String, Object> properties = KAFKA.clientProperties();
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, KAFKA.uniqueName("reader-it"));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, 0, "a", "first"));
      producer.send(new ProducerRecord<>(topic, 1, "b", "second"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, 0, "a", "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, 1, "b", "third"));
      producer.commitTransaction();
    }

    List<String> values = read(topic, KAFKA.clientProperties());

    assertThat(values).containsExactlyInAnyOrder("first", "second", "third");
  }

  @Test
  void theLatestValueOfEveryKeyIsReadAndATombstoneRemovesItsKey() {
    String topic = KAFKA.createTopic(KAFKA.uniqueName("read-latest"), 2);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KAFKA.clientProperties(), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, 0, "a", "first"));
      producer.send(new ProducerRecord<>(topic, 1, "b", "second"));
      producer.send(new ProducerRecord<>(topic, 0, "a", "third"));
      producer.send(new ProducerRecord<>(topic, 1, "c", "fourth"));
      producer.send(new ProducerRecord<>(topic, 1, "b", null));
    }

    Map<String, String> latest =
        TopicReader.readLatest(
            KAFKA.clientProperties(),
            topic,
            new StringDeserializer(),
            new StringDeserializer(),
            TIMEOUT);

    assertThat(latest).containsExactly(Map.entry("a", "third"), Map.entry("c", "fourth"));
  }

  @Test
  void anEmptyTopicReadsAsNothing() {
    String topic = KAFKA.createTopic(KAFKA.uniqueName("read-all"), 2);

    assertThat(read(topic, KAFKA.clientProperties())).isEmpty();
  }

  @Test
  void aMissingTopicIsNamedRatherThanReadAsEmpty() {
    String topic = KAFKA.uniqueName("never-created");

    assertThatThrownBy(() -> read(topic, KAFKA.clientProperties()))
        .isInstanceOf(PerennialException.class)
        .hasMessage("Topic " + topic + " does not exist");
  }

  private static List<String> read(String topic, Map<String, Object> properties) {
    return TopicReader.readAll(
        properties, topic, new StringDeserializer(), new StringDeserializer(), TIMEOUT);
  }
}
