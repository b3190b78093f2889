package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker stopped the way Kubernetes stops a pod (SIGTERM; SIGKILL only after the pod's {@code
 * terminationGracePeriodSeconds}) in the middle of training stops cleanly: it drops the job in
 * training at its next step rather than training it to its end, commits nothing for it, exits with
 * {@link ServiceProcess#EXIT_STOPPED} well within the chart's grace period (120 s for workers), and
 * the job is trained once by the worker that follows.
 */
class WorkerStopIT {

  private static final Logger log = LoggerFactory.getLogger(WorkerStopIT.class);

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Pattern STEP = Pattern.compile("step (\\d+)/(\\d+)");
  private static final int STOP_AFTER_STEP = 10;
  private static final int STEPS = 300;

  /** The chart's {@code trainer.worker.terminationGracePeriodSeconds}. */
  private static final Duration WORKER_GRACE = Duration.ofSeconds(120);

  @TempDir Path folder;

  private final List<Process> workers = new ArrayList<>();

  @AfterEach
  void stopWorkers() throws InterruptedException {
    for (Process worker : workers) {
      worker.destroyForcibly();
      worker.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWorkerStoppedBySigtermMidTrainingExitsZeroCommitsNothingAndTheJobIsTrainedOnce()
      throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    Map<String, String> values = harness.values();
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    values.put("perennial.trainer.tenant.acme.trigger.min.examples", "6");
    // long enough to be stopped in the middle: a few hundred steps of the small test base
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "10000");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, Integer.toString(STEPS));
    values.put(TrainerConfig.WORKER_PROGRESS_EVERY_STEPS_CONFIG, "5");
    TrainerConfig config = harness.config();
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      examples.add(text("acme/support", "p-" + i, "Acme note " + i + ": the Zix lamp is teal."));
    }
    harness.produce(
        harness.topics().examples(),
        examples.stream().map(e -> KeyValue.pair("acme/support", e)).toList());
    TrainingJob job;
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config)) {
      accumulator.awaitRunning(Duration.ofSeconds(60));
      job =
          harness
              .await(
                  harness.topics().trainingJobs(), jobs -> jobs.size() == 1, Duration.ofSeconds(60))
              .get(0);
    }
    Path configFile = writeConfig(values);

    Process first = startWorker(configFile, logFile(1));
    awaitStep(first, logFile(1), STOP_AFTER_STEP);
    long signalled = System.nanoTime();
    first.destroy(); // SIGTERM, as the kubelet sends it
    assertThat(first.waitFor(WORKER_GRACE.toSeconds(), TimeUnit.SECONDS))
        .as("stopped within the grace period; its log:%n%s", read(logFile(1)))
        .isTrue();
    log.info(
        "The worker stopped {} ms after SIGTERM, in training",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled));
    String stopped = read(logFile(1));
    assertThat(first.exitValue())
        .as("exit status after SIGTERM; its log:%n%s", stopped)
        .isEqualTo(ServiceProcess.EXIT_STOPPED);
    assertThat(stopped).contains("Trainer worker stopped");
    assertThat(lastStep(stopped)).isLessThan(STEPS);
    assertThat(harness.readAll(harness.topics().candidates())).isEmpty();
    assertThat(committedOffsets(config)).isZero();

    Process second = startWorker(configFile, logFile(2));
    harness.await(
        harness.topics().candidates(), found -> !found.isEmpty(), Duration.ofSeconds(120));
    awaitCommitted(config);
    TrainerHarness.sleep(1_000);
    List<AdapterCandidate> candidates = harness.readAll(harness.topics().candidates());
    second.destroy();
    assertThat(second.waitFor(WORKER_GRACE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue())
        .as("exit status after SIGTERM; its log:%n%s", read(logFile(2)))
        .isEqualTo(ServiceProcess.EXIT_STOPPED);

    assertThat(candidates)
        .singleElement()
        .satisfies(
            candidate -> {
              assertThat(candidate.getJobId()).isEqualTo(job.getJobId());
              assertThat(candidate.getMetrics().getSteps()).isEqualTo(STEPS);
            });
  }

  private Process startWorker(Path configFile, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xmx512m");
    command.add("-Dai.djl.offline=true");
    String logConfig = System.getProperty("log4j2.configurationFile");
    if (logConfig != null) {
      command.add("-Dlog4j2.configurationFile=" + logConfig);
    }
    command.add(TrainerWorker.class.getName());
    command.add(configFile.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("DJL_OFFLINE", "true");
    Process process = builder.start();
    workers.add(process);
    return process;
  }

  /** Waits until the worker's log shows a step of at least {@code atLeast}. */
  private static void awaitStep(Process worker, Path log, int atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(worker.isAlive()).as("worker alive; its log:%n%s", read(log)).isTrue();
      if (lastStep(read(log)) >= atLeast) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("The worker never reached step " + atLeast + ":\n" + read(log));
  }

  private static int lastStep(String log) {
    Matcher matcher = STEP.matcher(log);
    int last = -1;
    while (matcher.find()) {
      last = Integer.parseInt(matcher.group(1));
    }
    return last;
  }

  private static long committedOffsets(TrainerConfig config) throws Exception {
    try (Admin admin = KAFKA.createAdmin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(config.workerGroupId())
              .partitionsToOffsetAndMetadata()
              .get();
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  private static void awaitCommitted(TrainerConfig config) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (committedOffsets(config) >= 1) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("The worker never committed the job's offset");
  }

  /** The worker's output, kept under target/ for a look after a failure. */
  private Path logFile(int run) throws IOException {
    Path logs = Files.isDirectory(Path.of("target")) ? Path.of("target") : folder;
    return logs.resolve("WorkerStopIT-worker-" + run + ".log");
  }

  private Path writeConfig(Map<String, String> values) throws IOException {
    Properties properties = new Properties();
    properties.putAll(values);
    Path file = folder.resolve("worker.properties");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, "worker of WorkerStopIT");
    }
    return file;
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }
}
