package dev.perennial.trainer.local;

import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.worker.TrainerWorker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The trainer inside {@code perennial local}: the accumulator and one worker in this process, with
 * triggers sized so the sample stream yields jobs within seconds and the service's recipe ({@link
 * #localValues}); a configured value always wins.
 */
public final class LocalTrainer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final TrainerConfig config;
  private final TrainerAccumulator accumulator;
  private final ServiceMetrics workerMetrics;
  private final TrainerWorker worker;
  private final Topics topics;

  private LocalTrainer(
      TrainerConfig config,
      TrainerAccumulator accumulator,
      ServiceMetrics workerMetrics,
      TrainerWorker worker,
      Topics topics) {
    this.config = config;
    this.accumulator = accumulator;
    this.workerMetrics = workerMetrics;
    this.worker = worker;
    this.topics = topics;
  }

  /**
   * The local run's trainer values on top of the cluster's: jobs of at most 32 examples or after 3
   * s, a fifth of the examples held out, examples cut at 128 tokens, Streams state and scratch
   * folders under {@code stateDir}, endpoints on free loopback ports. The recipe is the service's
   * (batches of 16, 13 of them replay, peak rate 2e-3, a step budget from the job's size, early
   * stopping), so the local run releases what the service would.
   */
  public static Map<String, String> localValues(Map<String, String> clusterValues, Path stateDir) {
    Map<String, String> values = new HashMap<>(clusterValues);
    values.putIfAbsent(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "32");
    values.putIfAbsent(TrainerConfig.TRIGGER_MAX_WAIT_MS_CONFIG, "3000");
    values.putIfAbsent(TrainerConfig.TRIGGER_CHECK_INTERVAL_MS_CONFIG, "500");
    values.putIfAbsent(TrainerConfig.RECIPE_MAX_SEQUENCE_LENGTH_CONFIG, "128");
    // Enough held-out examples that a key's pool reaches the evaluator's minimum within a job or
    // two of the sample stream (with 0.1, a key's first release would wait for its third job).
    values.putIfAbsent(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0.2");
    values.putIfAbsent(TrainerConfig.WORKER_ID_CONFIG, "local");
    values.putIfAbsent(
        TrainerConfig.WORKER_WORK_DIR_CONFIG, stateDir.resolve("trainer-work").toString());
    values.putIfAbsent(TrainerConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.putIfAbsent(TrainerConfig.HTTP_PORT_CONFIG, "0");
    values.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("trainer").toString());
    return values;
  }

  /**
   * Starts the accumulator and a worker (drawing job progress on {@code console}) and returns once
   * the accumulator runs.
   */
  public static LocalTrainer start(TrainerConfig config, PrintWriter console) {
    return start(config, config, console);
  }

  /**
   * {@link #start(TrainerConfig, PrintWriter)} with the worker on a configuration of its own (its
   * own Kafka login, say); the accumulator's is the trainer's {@link #config()}.
   */
  public static LocalTrainer start(
      TrainerConfig config, TrainerConfig workerConfig, PrintWriter console) {
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    TrainerAccumulator accumulator = TrainerAccumulator.start(config);
    ServiceMetrics workerMetrics = ServiceMetrics.create("trainer-worker");
    try {
      accumulator.awaitRunning(START_TIMEOUT);
      TrainerWorker worker = TrainerWorker.create(workerConfig, workerMetrics.registry(), console);
      worker.start();
      return new LocalTrainer(config, accumulator, workerMetrics, worker, topics);
    } catch (RuntimeException e) {
      accumulator.close();
      workerMetrics.close();
      throw e;
    }
  }

  public TrainerConfig config() {
    return config;
  }

  /** The committed candidates so far. */
  public List<AdapterCandidate> candidates() {
    return readAll(topics.candidates());
  }

  /** The committed training jobs so far. */
  public List<TrainingJob> jobs() {
    return readAll(topics.trainingJobs());
  }

  /**
   * Prints the jobs and candidates (and the earlier jobs whose data a job carries); true when every
   * job has its candidate (a job the worker skipped, say because an erasure rewrote its shard, is
   * named).
   */
  public boolean report(PrintWriter out) {
    List<TrainingJob> jobs = jobs();
    List<AdapterCandidate> candidates = candidates();
    Map<String, AdapterCandidate> byJob =
        candidates.stream()
            .collect(Collectors.toMap(AdapterCandidate::getJobId, c -> c, (a, b) -> a));
    out.printf("Training jobs     %d, candidates %d%n", jobs.size(), candidates.size());
    for (TrainingJob job : jobs) {
      AdapterCandidate candidate = byJob.get(job.getJobId());
      if (candidate == null) {
        out.printf(
            "  %-22s %-11s %s: no candidate (%s)%n",
            job.getAdapterKey(),
            job.getTrigger(),
            job.getJobId(),
            worker.skipReason(job.getJobId()).map(why -> "skipped, " + why).orElse("see the log"));
        continue;
      }
      out.printf(
          Locale.ROOT,
          "  %-22s %-11s %3d examples %s, loss %.3f -> %.3f in %d steps, %s%n",
          candidate.getAdapterKey(),
          job.getTrigger(),
          candidate.getExampleCount(),
          candidate.getParentVersion() == null ? "fresh" : "on v" + candidate.getParentVersion(),
          candidate.getMetrics().getInitialLoss(),
          candidate.getMetrics().getFinalLoss(),
          candidate.getMetrics().getSteps(),
          candidate.getCandidateId());
      out.printf("  %-22s candidate at %s%n", "", candidate.getLocation());
      if (!job.getCarriedJobs().isEmpty()) {
        out.printf(
            "  %-22s carries the data of %s (insufficient evidence)%n",
            "", String.join(", ", job.getCarriedJobs()));
      }
    }
    out.flush();
    Set<String> trained = byJob.keySet();
    return jobs.stream().allMatch(job -> trained.contains(job.getJobId()));
  }

  public Readiness readiness() {
    Readiness streams = accumulator.readiness();
    return streams.ready() ? worker.readiness() : streams;
  }

  @Override
  public void close() {
    try {
      worker.close();
    } finally {
      accumulator.close();
      workerMetrics.close();
    }
  }

  private <V> List<V> readAll(Topic<String, V> topic) {
    return TopicReader.readAll(
        KafkaClients.consumer(config, "perennial-local-report"),
        topic.name(),
        topic.keySerde().deserializer(),
        topic.valueSerde().deserializer(),
        READ_TIMEOUT);
  }
}
