package dev.perennial.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.Contracts;
import dev.perennial.schemas.SampleRecords;
import dev.perennial.schemas.serde.AvroDeserializer;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.Document;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TopicsRoundTripIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static TopicCatalog catalog;
  private static Topics topics;

  @BeforeAll
  static void provisionTopics() {
    catalog = KAFKA.provisionCatalog();
    topics =
        Topics.create(catalog, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()));
  }

  @Test
  void everySampleSetsEveryFieldSoTheRoundTripCoversThemAll() {
    for (SpecificRecord sample : SampleRecords.all()) {
      assertThat(SampleRecords.nullFields(sample)).as(sample.getSchema().getName()).isEmpty();
    }
  }

  @Test
  void everyRecordTypeRoundTripsThroughItsTopicAndTheRegistry() {
    for (PerennialTopic perennialTopic : PerennialTopic.values()) {
      Topic<String, SpecificRecord> topic = untyped(topics.all().get(perennialTopic.ordinal()));
      SpecificRecord sample = SampleRecords.of(Contracts.recordType(perennialTopic));

      KAFKA.produce(
          topic.name(),
          topic.keySerde().serializer(),
          topic.valueSerde().serializer(),
          List.of(KeyValue.pair("acme/support", sample)));
      List<ConsumerRecord<String, SpecificRecord>> read =
          KAFKA.consume(
              topic.name(),
              1,
              TIMEOUT,
              topic.keySerde().deserializer(),
              topic.valueSerde().deserializer());

      assertThat(read)
          .as(topic.name())
          .singleElement()
          .satisfies(
              record -> {
                assertThat(record.key()).isEqualTo("acme/support");
                assertThat(record.value()).isEqualTo(sample);
              });
    }
  }

  @Test
  void aTombstoneIsWrittenAndReadAsNull() {
    // A topic of its own: the catalog's releases topic already holds the round trip's record.
    String topic = KAFKA.createTopic(KAFKA.uniqueName("tombstones"), 1);
    Topic<String, AdapterRelease> releases = topics.releases();
    KAFKA.produce(
        topic,
        releases.keySerde().serializer(),
        releases.valueSerde().serializer(),
        List.of(KeyValue.pair("acme/retired", (AdapterRelease) null)));

    List<ConsumerRecord<String, AdapterRelease>> read =
        KAFKA.consume(
            topic,
            1,
            TIMEOUT,
            releases.keySerde().deserializer(),
            releases.valueSerde().deserializer());

    assertThat(read)
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.key()).isEqualTo("acme/retired");
              assertThat(record.value()).isNull();
            });
  }

  @Test
  void aGenericReaderReadsWhatTheSpecificWriterWrote() {
    String topic = KAFKA.createTopic(KAFKA.uniqueName("generic"), 1);
    Document document = SampleRecords.document();
    KAFKA.produce(
        topic,
        topics.documents().keySerde().serializer(),
        topics.documents().valueSerde().serializer(),
        List.of(KeyValue.pair("acme/user-42", document)));

    AvroDeserializer<GenericRecord> generic = AvroDeserializer.generic();
    generic.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()), false);
    GenericRecord read =
        KAFKA.consume(topic, 1, TIMEOUT, new StringDeserializer(), generic).get(0).value();

    assertThat(read.getSchema().getFullName()).isEqualTo("dev.perennial.schemas.v1.Document");
    assertThat(read.get("content")).hasToString(document.getContent());
    assertThat(read.get("occurredAt")).isEqualTo(document.getOccurredAt().toEpochMilli());
  }

  @SuppressWarnings("unchecked")
  private static Topic<String, SpecificRecord> untyped(Topic<String, ?> topic) {
    return (Topic<String, SpecificRecord>) topic;
  }
}
