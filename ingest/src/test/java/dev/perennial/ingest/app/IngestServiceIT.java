package dev.perennial.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IngestServiceIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path stateDir;

  @Test
  void unreadableRecordsReachTheDeadLetterTopicAndIngestKeepsRunning() throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, "integration-test-secret-0123456789abcdef");
    values.put(IngestConfig.APPLICATION_ID_CONFIG, KAFKA.uniqueName("ingest"));
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    IngestConfig config = new IngestConfig(values);
    Topics topics = Topics.create(catalog, config.clientProperties());
    try (IngestService ingest = IngestService.start(config)) {
      assertThat(ingest.awaitRunning(Duration.ofSeconds(60))).isTrue();
      byte[] key = "acme/user-1".getBytes(StandardCharsets.UTF_8);
      KAFKA.produce(
          topics.documents().name(),
          new ByteArraySerializer(),
          new ByteArraySerializer(),
          List.of(
              KeyValue.pair(key, new byte[] {7, 1, 2, 3, 4, 5}),
              KeyValue.pair(key, new byte[] {0, 0x7f, 0, 0, 0, 1, 2})));

      List<ConsumerRecord<String, RejectedRecord>> rejected =
          KAFKA.consume(
              topics.rejected().name(),
              2,
              Duration.ofSeconds(60),
              topics.rejected().keySerde().deserializer(),
              topics.rejected().valueSerde().deserializer());
      assertThat(rejected)
          .extracting(record -> record.value().getReason())
          .containsExactlyInAnyOrder(RejectReason.UNDESERIALIZABLE, RejectReason.UNKNOWN_SCHEMA);
      assertThat(ingest.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }
}
