package dev.perennial.ingest.app;

import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StreamsProperties;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.deadletter.DeadLetterQueue;
import dev.perennial.ingest.deadletter.RejectingDeserializationHandler;
import dev.perennial.ingest.deadletter.StopOnProductionErrorHandler;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.topology.IngestTopology;
import dev.perennial.schemas.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: the {@link IngestTopology} running as a Kafka Streams application, with its
 * health and metrics endpoints. Ready while Streams is RUNNING. An error Streams cannot handle
 * stops the whole application (not just one thread), so the process ends and is restarted instead
 * of idling half-alive.
 *
 * <pre>{@code
 * try (IngestService ingest = IngestService.start(config)) {
 *   ingest.awaitStop();
 * }
 * }</pre>
 */
public final class IngestService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IngestService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final HealthServer health;
  private final ServiceMetrics serviceMetrics;
  private final IngestMetrics metrics;
  private final InputPurger purger;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private IngestService(
      KafkaStreams streams,
      HealthServer health,
      ServiceMetrics serviceMetrics,
      IngestMetrics metrics,
      InputPurger purger) {
    this.streams = streams;
    this.health = health;
    this.serviceMetrics = serviceMetrics;
    this.metrics = metrics;
    this.purger = purger;
  }

  /**
   * Provisions the key topic (ingest is its one writer, with the compaction bound it relies on),
   * builds the topology, opens the health endpoints, starts Streams and the purge of consumed app
   * events.
   */
  public static IngestService start(IngestConfig config) {
    TopicProvisioner.provision(
        config, config.applicationId() + "-admin", PerennialTopic.SUBJECT_KEYS);
    ServiceMetrics serviceMetrics = ServiceMetrics.create("ingest");
    IngestMetrics metrics = new IngestMetrics(serviceMetrics.registry());
    TopicCatalog catalog = TopicCatalog.from(config);
    Topics topics = Topics.create(catalog, config.clientProperties());
    StreamsBuilder builder = new StreamsBuilder();
    IngestTopology.build(builder, topics, config, metrics);
    Topology topology = builder.build();
    log.debug("Ingest topology:\n{}", topology.describe());

    Properties properties = new Properties();
    properties.putAll(streamsProperties(config, topics, metrics, Clock.systemUTC()));
    KafkaStreams streams = new KafkaStreams(topology, properties);
    serviceMetrics.bind(streams);
    HealthServer health;
    try {
      health = HealthServer.start(config, serviceMetrics.registry(), () -> readiness(streams));
    } catch (RuntimeException e) {
      streams.close();
      serviceMetrics.close();
      throw e;
    }
    InputPurger purger =
        config.inputPurgeInterval().isZero()
            ? null
            : InputPurger.start(
                KafkaClients.admin(config, config.applicationId() + "-purger"),
                config.applicationId(),
                catalog,
                config.inputTopics() == IngestConfig.InputTopics.PER_TENANT,
                config.inputPurgeInterval());
    IngestService service = new IngestService(streams, health, serviceMetrics, metrics, purger);
    streams.setStateListener(service::onStateChange);
    streams.setUncaughtExceptionHandler(
        exception -> {
          log.error("Ingest failed; stopping the application", exception);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    log.info(
        "Ingest started: application {}, health and metrics on port {}",
        config.applicationId(),
        health.port());
    return service;
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
        new DeadLetterQueue(topics, metrics, config.rejectedKeepBytes(), clock));
    return properties;
  }

  static Readiness readiness(KafkaStreams streams) {
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.RUNNING
        ? Readiness.ready("Kafka Streams " + state)
        : Readiness.notReady("Kafka Streams " + state);
  }

  private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
    log.info("Ingest state {} -> {}", oldState, newState);
    if (newState == KafkaStreams.State.ERROR
        || newState == KafkaStreams.State.PENDING_ERROR
        || newState == KafkaStreams.State.PENDING_SHUTDOWN
        || newState == KafkaStreams.State.NOT_RUNNING) {
      stopped.countDown();
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public Readiness readiness() {
    return readiness(streams);
  }

  /** The port of the health and metrics endpoints. */
  public int httpPort() {
    return health.port();
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  /** Waits until Streams is RUNNING; false if it is not within {@code timeout}. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || stopped.getCount() == 0) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Blocks until the application stops on its own (an error) or is closed. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Waits up to {@code timeout} for the application to stop; whether it has. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (!streams.close(CLOSE_TIMEOUT)) {
      log.warn("Kafka Streams did not stop within {}", CLOSE_TIMEOUT);
    }
    stopped.countDown();
    if (purger != null) {
      purger.close();
    }
    health.close();
    serviceMetrics.close();
    log.info("Ingest stopped");
  }
}
