package dev.perennial.ingest.app;

import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.StreamsApplication;
import dev.perennial.core.kafka.StreamsProperties;
import dev.perennial.core.kafka.StreamsService;
import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.deadletter.DeadLetterQueue;
import dev.perennial.ingest.deadletter.RejectingDeserializationHandler;
import dev.perennial.ingest.deadletter.StopOnProductionErrorHandler;
import dev.perennial.ingest.deadletter.UnreadableRejections;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.privacy.PseudonymSecretChangedException;
import dev.perennial.ingest.privacy.PseudonymSecretGuard;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.topology.IngestTopology;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: the {@link IngestTopology} running as a Kafka Streams application ({@link
 * StreamsService}). Ready while Streams is RUNNING and the schema registry answers. A registry
 * outage is waited out (the stream thread is replaced after a pause and reads its records again);
 * any other error Streams cannot handle stops the whole application, and the service has failed.
 *
 * <pre>{@code
 * try (ServiceProcess<IngestService> ingest =
 *     ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics))) {
 *   ...
 * }
 * }</pre>
 */
public final class IngestService implements StreamsApplication {

  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final StreamsService streams;
  private final IngestMetrics metrics;
  private final InputPurger purger;

  /**
   * The topics ingest reads and writes, which it creates when missing (a fresh cluster comes up in
   * any order): the apps' shared input topics (not with per-tenant input topics: ingest reads those
   * by pattern, and whoever binds a tenant creates its topics with their ACLs), its outputs, and
   * the subjects' key topic (ingest is its one writer, with the compaction bound it relies on):
   * those its ACLs name ({@link StageAcls#ingest}).
   */
  public static List<PerennialTopic> topics(IngestConfig config) {
    List<PerennialTopic> topics = new ArrayList<>();
    if (config.inputTopics() == IngestConfig.InputTopics.SHARED) {
      topics.addAll(TenantTopics.INPUTS);
    }
    topics.addAll(StageAcls.INGEST_WRITES);
    return List.copyOf(topics);
  }

  private IngestService(StreamsService streams, IngestMetrics metrics, InputPurger purger) {
    this.streams = streams;
    this.metrics = metrics;
    this.purger = purger;
  }

  /**
   * Provisions the topics ingest reads and writes ({@link #topics}), checks that the pseudonym
   * secret is the one the data already written was pseudonymised with ({@link
   * PseudonymSecretGuard}), builds the topology, starts Streams (its meters on {@code
   * serviceMetrics}) and the purge of consumed app events.
   *
   * @throws PseudonymSecretChangedException when the secret is another one and no change was
   *     declared: nothing has started
   */
  public static IngestService start(IngestConfig config, ServiceMetrics serviceMetrics) {
    TopicProvisioner.provision(config, config.applicationId() + "-admin", topics(config));
    PseudonymSecretGuard.check(config);
    IngestMetrics metrics = new IngestMetrics(serviceMetrics.registry());
    TopicCatalog catalog = TopicCatalog.from(config);
    Topics topics = Topics.create(catalog, config.clientProperties());
    StreamsBuilder builder = new StreamsBuilder();
    IngestTopology.build(builder, topics, config, metrics);
    Topology topology = builder.build();
    log.debug("Ingest topology:\n{}", topology.describe());
    SchemaRegistryClient registry = topics.registry();
    Map<String, Object> properties = streamsProperties(config, topics, metrics, Clock.systemUTC());
    RetiredConsentStore.delete(stateDir(properties), config.applicationId());
    StreamsService streams =
        StreamsService.start(
            "ingest",
            topology,
            properties,
            serviceMetrics,
            ReadFailure::isOutage,
            () -> registry.outage().map(SchemaRegistryClient.Outage::readiness),
            StreamsSettings.failedCloseTimeout(config));
    InputPurger purger;
    try {
      purger =
          config.inputPurgeInterval().isZero()
              ? null
              : InputPurger.start(
                  KafkaClients.admin(config, config.applicationId() + "-purger"),
                  config.applicationId(),
                  catalog,
                  config.inputTopics() == IngestConfig.InputTopics.PER_TENANT,
                  config.inputPurgeInterval(),
                  metrics);
    } catch (RuntimeException e) {
      streams.close();
      throw e;
    }
    log.info("Ingest started: application {}", config.applicationId());
    return new IngestService(streams, metrics, purger);
  }

  /**
   * Where Streams keeps ingest's state: {@code state.dir} as configured or as Streams defaults it.
   */
  private static Path stateDir(Map<String, Object> streamsProperties) {
    Object stateDir =
        streamsProperties.getOrDefault(
            StreamsConfig.STATE_DIR_CONFIG,
            StreamsConfig.configDef().defaultValues().get(StreamsConfig.STATE_DIR_CONFIG));
    return Path.of(String.valueOf(stateDir));
  }

  /**
   * The Streams configuration of ingest: the configuration's client settings, exactly-once
   * processing, the handler that sends what cannot be read to {@code rejected.v1}, and the one that
   * stops ingest when a result cannot be written. Tests run the topology with the same.
   */
  public static Map<String, Object> streamsProperties(
      IngestConfig config, Topics topics, IngestMetrics metrics, Clock clock) {
    Map<String, Object> properties =
        StreamsProperties.builder(config, config.applicationId())
            .deserializationExceptionHandler(RejectingDeserializationHandler.class)
            .productionExceptionHandler(StopOnProductionErrorHandler.class)
            .build();
    properties.put(
        DeadLetterQueue.CONFIG,
        new DeadLetterQueue(
            topics,
            metrics,
            new Pseudonymizer(config.pseudonymSecret().value()),
            UnreadableRejections.of(config),
            clock));
    return properties;
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  @Override
  public StreamsService streams() {
    return streams;
  }

  /** Waits until Streams is RUNNING; false if it is not within {@code timeout} or has failed. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return streams.awaitRunning(timeout);
  }

  @Override
  public void close() {
    try {
      streams.close();
    } finally {
      if (purger != null) {
        purger.close();
      }
    }
  }
}
