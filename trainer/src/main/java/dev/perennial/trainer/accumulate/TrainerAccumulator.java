package dev.perennial.trainer.accumulate;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StreamsProperties;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyTopic;
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

  private static final Duration KEY_READ_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaStreams streams;
  private final ServiceMetrics metrics;
  private final SubjectKeyTopic keys;
  private final CountDownLatch failed = new CountDownLatch(1);

  private TrainerAccumulator(KafkaStreams streams, ServiceMetrics metrics, SubjectKeyTopic keys) {
    this.streams = streams;
    this.metrics = metrics;
    this.keys = keys;
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
      TrainerConfig config,
      Topics topics,
      ArtifactStore artifacts,
      ExampleDecryptor decryptor,
      ServiceMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    AccumulatorTopology.build(
        builder,
        topics,
        AccumulatorSettings.from(config),
        artifacts,
        decryptor,
        metrics.registry());
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

  /**
   * Starts the accumulator; it runs until {@link #close()}.
   *
   * @throws PerennialException when no master keys are configured (the accumulator decrypts the
   *     examples it seals), or the subjects' key topic cannot be read
   */
  public static TrainerAccumulator start(TrainerConfig config) {
    MasterKeys masterKeys =
        config
            .masterKeys()
            .orElseThrow(
                () ->
                    new PerennialException(
                        "The accumulator decrypts the examples it seals into shards: set "
                            + MasterKeySettings.MASTER_KEYS_FILE_CONFIG
                            + " (or "
                            + MasterKeySettings.MASTER_KEYS_CONFIG
                            + ") to ingest's master keys"));
    TopicProvisioner.provision(
        config, config.accumulatorApplicationId() + "-admin", PerennialTopic.SUBJECT_KEYS);
    ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator");
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    ArtifactStore artifacts = new LocalArtifactStore(config.artifactStorePath());
    SubjectKeyTopic keys =
        new SubjectKeyTopic(
            config.clientProperties(), topics.subjectKeys(), masterKeys, KEY_READ_TIMEOUT);
    KafkaStreams streams;
    try {
      streams =
          new KafkaStreams(
              topology(config, topics, artifacts, new ExampleDecryptor(keys), metrics),
              streamsProperties(config));
    } catch (RuntimeException e) {
      keys.close();
      throw e;
    }
    metrics.bind(streams);
    TrainerAccumulator accumulator = new TrainerAccumulator(streams, metrics, keys);
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
    keys.close();
    metrics.close();
  }
}
