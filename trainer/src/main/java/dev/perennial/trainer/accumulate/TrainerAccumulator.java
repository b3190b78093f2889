package dev.perennial.trainer.accumulate;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.StreamsApplication;
import dev.perennial.core.kafka.StreamsProperties;
import dev.perennial.core.kafka.StreamsService;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMissingException;
import dev.perennial.schemas.privacy.SubjectKeyTopic;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.config.TrainerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accumulator as a running service: the {@link AccumulatorTopology} on exactly-once Kafka
 * Streams ({@link StreamsService}), with its metrics. A schema registry outage, and examples
 * waiting for a data key that a transaction still open on the key log may hold, are waited out
 * ({@link #isOutage}); any other error Streams cannot handle stops it, and the service has failed.
 * (An example whose key the settled key log does not hold is dropped, counted, by the seal.)
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

  /**
   * The topics the accumulator reads and writes, which it creates when missing (a fresh cluster
   * comes up whichever stage starts first): those its ACLs name ({@link
   * StageAcls#trainerAccumulator}).
   */
  public static final List<PerennialTopic> TOPICS =
      StageAcls.readsAndWrites(
          StageAcls.TRAINER_ACCUMULATOR_READS, StageAcls.TRAINER_ACCUMULATOR_WRITES);

  /**
   * The Streams properties of the accumulator: exactly-once, explicit exception handlers. A record
   * the producer refuses fails the task, deliberately: dropping it would lose a job (an ERASURE
   * job's retractions above all) or an audit event. What the accumulator writes is bounded instead:
   * events before the repartition topic ({@code AccumulatorTopology.fitsRepartition}), jobs before
   * {@code training-jobs.v1} ({@link JobFit}).
   */
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
    TopicProvisioner.provision(config, config.accumulatorApplicationId() + "-admin", TOPICS);
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    // founded by a seal only in a new deployment: once training-jobs.v1 held a job, an empty
    // folder is a volume not mounted, for every task and instance alike
    ArtifactStore artifacts =
        StoreFoundingGuard.of(
            new LocalArtifactStore(config.artifactStorePath()),
            config,
            topics.trainingJobs().name(),
            config.accumulatorApplicationId() + "-store-founding");
    SchemaRegistryClient registry = topics.registry();
    SubjectKeyTopic keys =
        new SubjectKeyTopic(
            config.clientProperties(), topics.subjectKeys(), masterKeys, KEY_READ_TIMEOUT);
    ExampleDecryptor decryptor = new ExampleDecryptor(keys);
    StreamsService streams;
    try {
      streams =
          StreamsService.start(
              "accumulator",
              topology(config, topics, artifacts, decryptor, metrics),
              streamsProperties(config),
              metrics,
              TrainerAccumulator::isOutage,
              () ->
                  registry
                      .outage()
                      .map(SchemaRegistryClient.Outage::readiness)
                      .or(() -> keysReadiness(decryptor)),
              StreamsSettings.failedCloseTimeout(config));
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

  /**
   * What the stream thread waits out: a registry outage, or an example whose subject's data key is
   * neither in the key log nor erased while a transaction on the log is still open (the seal is
   * retried, the examples stay pending). Anything else (a master key this process lacks above all)
   * fails the accumulator.
   */
  static boolean isOutage(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SubjectKeyMissingException) {
        return true;
      }
    }
    return ReadFailure.isOutage(failure);
  }

  private static Optional<Readiness> keysReadiness(ExampleDecryptor decryptor) {
    int missing = decryptor.missingKeys();
    if (missing == 0) {
      return Optional.empty();
    }
    return Optional.of(
        Readiness.notReady(
            "pending examples of "
                + missing
                + " subjects wait for data keys that the subjects' key log neither holds nor"
                + " erased yet (a transaction on it is still open, or it holds no record at"
                + " all); sealing is retried"));
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
