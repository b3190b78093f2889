package dev.perennial.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.schemas.Contracts;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.serde.AvroDeserializer;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Binding alone: no record is written, so the registry is never asked. */
class TopicsTest {

  private final TopicCatalog catalog = new TopicCatalog("acme-prod.", 3, (short) 3, 1000L, -1L);
  private final Topics topics =
      Topics.create(
          catalog,
          new SchemaRegistryClient(URI.create("http://127.0.0.1:9"), Optional.empty()),
          Map.of());

  @Test
  void everyCatalogTopicIsBoundUnderItsPrefixedNameInCatalogOrder() {
    assertThat(topics.all())
        .extracting(Topic::name)
        .containsExactlyElementsOf(
            Arrays.stream(PerennialTopic.values()).map(catalog::name).toList());
    assertThat(topics.documents().name()).isEqualTo("acme-prod.documents.v1");
    assertThat(topics.trainingJobs().name()).isEqualTo("acme-prod.training-jobs.v1");
  }

  @Test
  void everyTopicHasAContractAndEveryContractATopic() {
    assertThat(Contracts.RECORD_TYPES)
        .hasSize(PerennialTopic.values().length)
        .doesNotHaveDuplicates();
  }

  @Test
  void keysAreStringsAndValuesAreAvroRecords() {
    Topic<String, ?> examples = topics.examples();

    assertThat(examples.keySerde().serializer()).isInstanceOf(StringSerializer.class);
    assertThat(examples.valueSerde().deserializer()).isInstanceOf(AvroDeserializer.class);
  }
}
