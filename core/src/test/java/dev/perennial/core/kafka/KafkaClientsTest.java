package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.PerennialConfig;
import java.util.Map;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  private final PerennialConfig config =
      new PerennialConfig(
          Map.of(
              "bootstrap.servers", "kafka:9092",
              "schema.registry.url", "http://registry:8081",
              "security.protocol", "SASL_SSL",
              "acks", "1",
              "perennial.topic.replication.factor", "3"));

  @Test
  void theProducerIsIdempotentAndWaitsForAllReplicasWhateverTheConfigurationSays() {
    Map<String, Object> producer = KafkaClients.producer(config, "ingest-producer");

    assertThat(producer)
        .containsEntry("enable.idempotence", "true")
        .containsEntry("acks", "all")
        .containsEntry("client.id", "ingest-producer")
        .containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("schema.registry.url", "http://registry:8081")
        .doesNotContainKey("perennial.topic.replication.factor");
  }

  @Test
  void aTransactionalProducerIsNamedByItsTransactionalId() {
    Map<String, Object> producer =
        KafkaClients.transactionalProducer(config, "perennial-publisher");

    assertThat(producer)
        .containsEntry("transactional.id", "perennial-publisher")
        .containsEntry("client.id", "perennial-publisher")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("acks", "all")
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void theConsumerReadsOnlyCommittedRecordsAndCommitsItself() {
    Map<String, Object> consumer = KafkaClients.consumer(config, "trainer");

    assertThat(consumer)
        .containsEntry("group.id", "trainer")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("auto.offset.reset", "earliest")
        .containsEntry("security.protocol", "SASL_SSL");
  }

  /** A client configuration an operator carried over, as README invites, resetting to the end. */
  private final PerennialConfig resettingToTheEnd =
      new PerennialConfig(
          Map.of(
              "bootstrap.servers", "kafka:9092",
              "schema.registry.url", "http://registry:8081",
              "auto.offset.reset", "latest"));

  @Test
  void aConsumerWithoutAnOffsetStartsAtTheBeginningWhateverTheConfigurationSays() {
    // "latest" would skip every job, candidate or verdict written before the group first joined
    assertThat(KafkaClients.consumer(resettingToTheEnd, "perennial-evaluator"))
        .containsEntry("auto.offset.reset", "earliest");
  }

  @Test
  void aStreamsApplicationWithoutAnOffsetStartsAtTheBeginningWhateverTheConfigurationSays() {
    // "latest" would skip the documents or examples written before the application first ran
    Map<String, Object> streams =
        StreamsProperties.builder(resettingToTheEnd, "perennial-ingest")
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .build();

    assertThat(streams).containsEntry("auto.offset.reset", "earliest");
  }

  @Test
  void streamsInternalTopicsReplicatedThreeTimesTakeAWriteOnlyOnceTwoReplicasHoldIt() {
    Map<String, Object> streams =
        StreamsProperties.builder(config, "perennial-ingest")
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .build();

    assertThat(streams).containsEntry("topic.min.insync.replicas", "2");
  }

  @Test
  void streamsInternalTopicsOfTheBrokersReplicationFactorKeepItsMinimumInSyncReplicas() {
    Map<String, Object> streams =
        StreamsProperties.builder(
                new PerennialConfig(
                    Map.of(
                        "bootstrap.servers", "kafka:9092",
                        "schema.registry.url", "http://registry:8081")),
                "perennial-ingest")
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .build();

    assertThat(streams).doesNotContainKey("topic.min.insync.replicas");
  }

  @Test
  void streamsRunExactlyOnceWithTheHandlersTheApplicationChose() {
    Map<String, Object> streams =
        StreamsProperties.builder(config, "perennial-ingest")
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .processingExceptionHandler(LogAndFailProcessingExceptionHandler.class)
            .build();

    assertThat(streams)
        .containsEntry("application.id", "perennial-ingest")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("replication.factor", 3)
        .containsEntry("deserialization.exception.handler", LogAndFailExceptionHandler.class)
        .containsEntry("production.exception.handler", DefaultProductionExceptionHandler.class)
        .containsEntry("processing.exception.handler", LogAndFailProcessingExceptionHandler.class)
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void aStreamsApplicationWithoutExplicitHandlersIsRefused() {
    StreamsProperties withoutProductionHandler =
        StreamsProperties.builder(config, "perennial-ingest")
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class);

    assertThatThrownBy(withoutProductionHandler::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("perennial-ingest")
        .hasMessageContaining("exception handlers");
  }
}
