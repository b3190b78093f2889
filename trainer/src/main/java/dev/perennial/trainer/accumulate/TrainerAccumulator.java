package dev.perennial.trainer.accumulate;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StreamsApplication;
import dev.perennial.core.kafka.StreamsProperties;
import dev.perennial.core.kafka.StreamsService;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyTopic;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.config.TrainerConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accumulator as a running service: the {@link AccumulatorTopology} on exactly-once Kafka
 * Streams ({@link StreamsService}), with its metrics. A schema registry outage is waited out; any
 * other error Streams cannot handle stops it, and the service has failed.
 */
public final class TrainerAccumulator implements StreamsApplication {

  private static final Logger log = LoggerFactory.getLogger(TrainerAccumulator.class);

  private static final Duration KEY_READ_TIMEOUT = Duration.ofSeconds(60);

  private final StreamsService streams;
  private final SubjectKeyTopic keys;
  private final ServiceMetrics ownMetrics;

  private TrainerAccumulator(
      StreamsService streams, SubjectKeyTopic keys, ServiceMetrics ownMetrics) {
    this.streams = streams;
    this.keys = keys;
    this.ownMetrics = ownMetrics;
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
  public static Map<String, Object> streamsProperties(TrainerConfig config) {
    return StreamsProperties.builder(config, config.accumulatorApplicationId())
        .deserializationExceptionHandler(TrainerDeserializationHandler.class)
        .productionExceptionHandler(DefaultProductionExceptionHandler.class)
        .build();
  }

  /** Starts the accumulator on meters of its own (closed with it); it runs until closed. */
  public static TrainerAccumulator start(TrainerConfig config) {
    ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator");
    try {
      return start(config, metrics, metrics);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  /** Starts the accumulator, its meters on {@code metrics}; it runs until closed. */
  public static TrainerAccumulator start(TrainerConfig config, ServiceMetrics metrics) {
    return start(config, metrics, null);
  }

  /**
   * @throws PerennialException when no master keys are configured (the accumulator decrypts the
   *     examples it seals), or the subjects' key topic cannot be read
   */
  private static TrainerAccumulator start(
      TrainerConfig config, ServiceMetrics metrics, ServiceMetrics ownMetrics) {
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
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    ArtifactStore artifacts = new LocalArtifactStore(config.artifactStorePath());
    SchemaRegistryClient registry = topics.registry();
    SubjectKeyTopic keys =
        new SubjectKeyTopic(
            config.clientProperties(), topics.subjectKeys(), masterKeys, KEY_READ_TIMEOUT);
    StreamsService streams;
    try {
      streams =
          StreamsService.start(
              "accumulator",
              topology(config, topics, artifacts, new ExampleDecryptor(keys), metrics),
              streamsProperties(config),
              metrics,
              ReadFailure::isOutage,
              () -> registry.outage().map(SchemaRegistryClient.Outage::readiness));
    } catch (RuntimeException e) {
      keys.close();
      throw e;
    }
    log.info(
        "Trainer accumulator {} started on {}",
        config.accumulatorApplicationId(),
        config.bootstrapServers());
    return new TrainerAccumulator(streams, keys, ownMetrics);
  }

  @Override
  public StreamsService streams() {
    return streams;
  }

  /**
   * Waits until the Streams client runs.
   *
   * @throws PerennialException when it does not within {@code timeout}, or has failed
   */
  public void awaitRunning(Duration timeout) {
    try {
      if (!streams.awaitRunning(timeout)) {
        throw new PerennialException(
            "The accumulator did not start within "
                + timeout
                + ": "
                + streams.state()
                + failure().map(why -> " (" + why + ")").orElse(""));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PerennialException("Interrupted while waiting for the accumulator", e);
    }
  }

  @Override
  public void close() {
    try {
      streams.close();
      keys.close();
    } finally {
      if (ownMetrics != null) {
        ownMetrics.close();
      }
    }
  }
}
