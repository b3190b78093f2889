package dev.perennial.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;

class KafkaClusterExtensionIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  @Test
  void theBrokerRunsInAContainerExactlyWhenDockerIsAvailable() {
    assertThat(KAFKA.runsInContainer())
        .isEqualTo(DockerClientFactory.instance().isDockerAvailable());
    assertThat(KAFKA.bootstrapServers()).matches(".+:\\d+");
  }

  @Test
  void recordsProducedWithTheHelpersAreConsumedBack() {
    String topic = KAFKA.createTopic(KAFKA.uniqueName("round-trip"), 3);

    KAFKA.produce(
        topic,
        new StringSerializer(),
        new StringSerializer(),
        List.of(
            KeyValue.pair("acme/support", "one"),
            KeyValue.pair("acme/support", "two"),
            KeyValue.pair("globex/sales", "three")));

    List<ConsumerRecord<String, String>> records =
        KAFKA.consume(
            topic, 3, Duration.ofSeconds(20), new StringDeserializer(), new StringDeserializer());
    assertThat(records)
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder("one", "two", "three");
    assertThat(records)
        .filteredOn(record -> record.key().equals("acme/support"))
        .extracting(ConsumerRecord::value)
        .containsExactly("one", "two");
  }

  @Test
  void consumingFewerRecordsThanExpectedFailsWithWhatArrived() {
    String topic = KAFKA.createTopic(KAFKA.uniqueName("short"), 1);
    KAFKA.produce(
        topic, new StringSerializer(), new StringSerializer(), List.of(KeyValue.pair("k", "only")));

    assertThatThrownBy(
            () ->
                KAFKA.consume(
                    topic,
                    2,
                    Duration.ofSeconds(2),
                    new StringDeserializer(),
                    new StringDeserializer()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected at least 2 records in " + topic)
        .hasMessageContaining("got 1");
  }

  @Test
  void aProvisionedCatalogHasEveryTopicUnderItsOwnPrefix() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();

    try (Admin admin = KAFKA.createAdmin()) {
      Set<String> topics = admin.listTopics().names().get();
      for (PerennialTopic topic : PerennialTopic.values()) {
        assertThat(topics).contains(catalog.name(topic));
      }
    }
    assertThat(catalog.topicPrefix()).startsWith("test-").endsWith(".");
  }

  @Test
  void topicsAreNotCreatedImplicitly() throws Exception {
    String topic = KAFKA.uniqueName("never-created");

    try (Admin admin = KAFKA.createAdmin()) {
      assertThatThrownBy(() -> admin.describeTopics(List.of(topic)).allTopicNames().get())
          .hasCauseInstanceOf(
              org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class);
    }
    assertThatThrownBy(
            () ->
                KAFKA.consume(
                    topic,
                    1,
                    Duration.ofSeconds(1),
                    new StringDeserializer(),
                    new StringDeserializer()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("does not exist");
  }
}
