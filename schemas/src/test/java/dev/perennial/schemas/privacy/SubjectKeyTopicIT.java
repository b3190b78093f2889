package dev.perennial.schemas.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.SubjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SubjectKeyTopic} on a real broker and registry, as the trainer's accumulator reads it. */
class SubjectKeyTopicIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void anErasureForgetsTheSubjectsKeyButNotTheKeyOfALaterGrantTheLogAlreadyHolds() {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    Topics topics =
        Topics.create(catalog, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()));
    Topic<String, SubjectKey> topic = topics.subjectKeys();
    String alice = SubjectKeyRecords.recordKey("acme", "p-alice");
    String bob = SubjectKeyRecords.recordKey("acme", "p-bob");
    SubjectKeyRecords.NewKey revoked = newKey("p-alice");
    SubjectKeyRecords.NewKey regranted = newKey("p-alice");
    SubjectKeyRecords.NewKey bobsKey = newKey("p-bob");
    // as ingest writes them: Alice's key, its tombstone with her revocation's erasure request, the
    // key of her next example after she granted again; Bob's key, never erased in the log
    KAFKA.produce(
        topic.name(),
        topic.keySerde().serializer(),
        topic.valueSerde().serializer(),
        List.of(
            KeyValue.pair(alice, revoked.record()),
            KeyValue.pair(alice, null),
            KeyValue.pair(alice, regranted.record()),
            KeyValue.pair(bob, bobsKey.record())));

    try (SubjectKeyTopic keys =
        new SubjectKeyTopic(KAFKA.clientProperties(), topic, TestConfig.masterKeys(), TIMEOUT)) {
      // the accumulator meets the erasure requests only now
      keys.forget("acme", "p-alice");
      keys.forget("acme", "p-bob");

      assertThat(keys.lookup("acme", "p-alice", keyId(regranted)))
          .as("the key of Alice's later grant")
          .isInstanceOf(SubjectKeys.Found.class);
      assertThat(keys.lookup("acme", "p-alice", keyId(revoked)))
          .isInstanceOf(SubjectKeys.Erased.class);
      assertThat(keys.lookup("acme", "p-bob", keyId(bobsKey)))
          .as("no tombstone of Bob's was read: the erasure request alone erases his key")
          .isInstanceOf(SubjectKeys.Erased.class);
    }
  }

  @Test
  void aKeyInATransactionStillOpenIsMissingAndOneTheSettledLogNeverHeldIsAbsent() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    Topics topics =
        Topics.create(catalog, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()));
    Topic<String, SubjectKey> topic = topics.subjectKeys();
    SubjectKeyRecords.NewKey carolsKey = newKey("p-carol");
    SubjectKeyRecords.NewKey neverWritten = newKey("p-dave");
    Map<String, Object> producing = KAFKA.clientProperties();
    producing.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, KAFKA.uniqueName("ingest"));
    try (KafkaProducer<String, SubjectKey> ingest =
            new KafkaProducer<>(
                producing, topic.keySerde().serializer(), topic.valueSerde().serializer());
        // a short timeout: how long a lookup waits for the open transaction before it gives up
        SubjectKeyTopic keys =
            new SubjectKeyTopic(
                KAFKA.clientProperties(), topic, TestConfig.masterKeys(), Duration.ofSeconds(2))) {
      ingest.initTransactions();
      ingest.beginTransaction();
      // as ingest writes Carol's key with her first example: acknowledged, not committed yet
      ingest
          .send(
              new ProducerRecord<>(
                  topic.name(), SubjectKeyRecords.recordKey("acme", "p-carol"), carolsKey.record()))
          .get();

      keys.refresh();
      assertThat(keys.lookup("acme", "p-carol", keyId(carolsKey)))
          .as("in a transaction still open: it may still come")
          .isInstanceOf(SubjectKeys.Missing.class);
      assertThat(keys.lookup("acme", "p-dave", keyId(neverWritten)))
          .as("the log has not settled: nothing is absent yet")
          .isInstanceOf(SubjectKeys.Missing.class);

      ingest.commitTransaction();
      keys.refresh();
      assertThat(keys.lookup("acme", "p-carol", keyId(carolsKey)))
          .isInstanceOf(SubjectKeys.Found.class);
      assertThat(keys.lookup("acme", "p-dave", keyId(neverWritten)))
          .as("neither written nor erased, every transaction on the log decided")
          .isInstanceOf(SubjectKeys.Absent.class);
    }
  }

  private static SubjectKeyRecords.NewKey newKey(String pseudonym) {
    return SubjectKeyRecords.create(TestConfig.masterKeys(), "acme", pseudonym, Instant.EPOCH);
  }

  private static String keyId(SubjectKeyRecords.NewKey key) {
    return key.record().getKeyId();
  }
}
