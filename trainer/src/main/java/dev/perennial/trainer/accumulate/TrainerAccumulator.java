package dev.perennial.trainer.accumulate;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.StreamsProperties;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.config.TrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accumulator as a running service: the {@link AccumulatorTopology} on exactly-once Kafka
 * Streams, with its metrics. {@link #main} runs it from a properties file until the JVM stops.
 */
public final class TrainerAccumulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrainerAccumulator.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final ServiceMetrics metrics;
  private final CountDownLatch failed = new CountDownLatch(1);

  private TrainerAccumulator(KafkaStreams streams, ServiceMetrics metrics) {
    this.streams = streams;
    this.metrics = metrics;
  }

  public static void main(String[] args) throws InterruptedException {
    TrainerConfig config =
        new TrainerConfig(ConfigLoader.load(args.length > 0 ? Path.of(args[0]) : null));
    TrainerAccumulator accumulator = start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    try (HealthServer health =
        HealthServer.start(config, accumulator.metrics.registry(), accumulator::readiness)) {
      log.info("Trainer accumulator health and metrics on port {}", health.port());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    accumulator.close();
                    stopped.countDown();
                  },
                  "trainer-accumulator-shutdown"));
      accumulator.whenFailed(stopped::countDown);
      stopped.await();
      if (accumulator.failed()) {
        System.exit(1);
      }
    }
  }

  /** The topology of {@code config}, on the artifact store it names. */
  public static Topology topology(
      TrainerConfig config, Topics topics, ArtifactStore artifacts, ServiceMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    AccumulatorTopology.build(
        builder, topics, AccumulatorSettings.from(config), artifacts, metrics.registry());
    return builder.build();
  }

  /** The Streams properties of the accumulator: exactly-once, explicit exception handlers. */
  public static Properties streamsProperties(TrainerConfig config) {
    Properties properties = new Properties();
    properties.putAll(
        StreamsProperties.builder(config, config.accumulatorApplicationId())
            .deserializationExceptionHandler(TrainerDeserializationHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .build());
    return properties;
  }

  /** Starts the accumulator; it runs until {@link #close()}. */
  public static TrainerAccumulator start(TrainerConfig config) {
    ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator");
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    ArtifactStore artifacts = new LocalArtifactStore(config.artifactStorePath());
    KafkaStreams streams =
        new KafkaStreams(topology(config, topics, artifacts, metrics), streamsProperties(config));
    metrics.bind(streams);
    TrainerAccumulator accumulator = new TrainerAccumulator(streams, metrics);
    streams.setUncaughtExceptionHandler(
        exception -> {
          log.error("The accumulator failed; shutting it down", exception);
          accumulator.failed.countDown();
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    log.info(
        "Trainer accumulator {} started on {}",
        config.accumulatorApplicationId(),
        config.bootstrapServers());
    return accumulator;
  }

  public Readiness readiness() {
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.RUNNING
        ? Readiness.ready("accumulator " + state)
        : Readiness.notReady("accumulator " + state);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Waits until the Streams client runs. */
  public void awaitRunning(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state() == KafkaStreams.State.ERROR
          || streams.state() == KafkaStreams.State.NOT_RUNNING
          || System.nanoTime() > deadline) {
        throw new PerennialException(
            "The accumulator did not start within " + timeout + ": " + streams.state());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PerennialException("Interrupted while waiting for the accumulator", e);
      }
    }
  }

  /** Whether a stream thread failed and the accumulator shut down. */
  public boolean failed() {
    return failed.getCount() == 0;
  }

  /** Runs {@code action} (on another thread) once the accumulator has failed. */
  public void whenFailed(Runnable action) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                failed.await();
                action.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "trainer-accumulator-failure");
    watcher.setDaemon(true);
    watcher.start();
  }

  public ServiceMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    streams.close(CLOSE_TIMEOUT);
    metrics.close();
  }
}
