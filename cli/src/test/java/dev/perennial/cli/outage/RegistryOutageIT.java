package dev.perennial.cli.outage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.service.EvaluatorService;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the schema registry stops under a running trainer worker and evaluator while a training
 * job and a candidate wait for them, records neither has read a schema of yet. Neither skips its
 * record or commits past it, both say they are not ready while the registry is away, and both do
 * their work once it is back. The job and the candidate are real: an accumulator and a worker make
 * them upstream (on topics of their own) before the outage; the outage test copies their bytes.
 */
class RegistryOutageIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String KEY = "acme/support";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path folder;

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void whileTheRegistryIsDownNoJobOrCandidateIsSkippedOrCommittedPastAndReadinessIsDown()
      throws Exception {
    TrainerHarness upstream = new TrainerHarness(KAFKA, REGISTRY, folder);
    ConsumerRecord<String, byte[]> job;
    ConsumerRecord<String, byte[]> candidate;
    upstream.values().put("perennial.trainer.tenant.acme.trigger.min.examples", "8");
    TrainerConfig upstreamConfig = upstream.config();
    List<TrainingExample> examples =
        IntStream.range(0, 8)
            .mapToObj(i -> Examples.text(KEY, "u-" + i, "Acme note " + i + ": the lamp is teal."))
            .toList();
    upstream.produce(
        upstream.topics().examples(), examples.stream().map(e -> KeyValue.pair(KEY, e)).toList());
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(upstreamConfig);
        TrainerWorker worker =
            TrainerWorker.create(upstreamConfig, new SimpleMeterRegistry(), null)) {
      accumulator.awaitRunning(TIMEOUT);
      worker.start();
      upstream.await(upstream.topics().candidates(), found -> found.size() == 1, TIMEOUT);
      job = raw(upstream.topics().trainingJobs()).get(0);
      candidate = raw(upstream.topics().candidates()).get(0);
    }

    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainerConfig trainerConfig = harness.config();
    EvaluatorConfig evaluatorConfig = evaluatorConfig(harness);
    try (ServiceProcess<TrainerWorker> worker =
            ServiceProcess.start(
                "trainer-worker",
                trainerConfig,
                metrics -> {
                  TrainerWorker started =
                      TrainerWorker.create(trainerConfig, metrics.registry(), null);
                  started.start();
                  return started;
                });
        ServiceProcess<EvaluatorService> evaluator =
            ServiceProcess.start(
                "evaluator",
                evaluatorConfig,
                metrics -> EvaluatorService.start(evaluatorConfig, metrics.registry(), null))) {
      await("both ready", () -> ready(worker) && ready(evaluator));

      REGISTRY.stop();
      try {
        copy(job, harness.topics().trainingJobs());
        copy(candidate, harness.topics().candidates());
        await("both not ready", () -> outage(worker) && outage(evaluator));

        assertThat(worker.service().readiness().detail())
            .startsWith("schema registry unavailable since");
        assertThat(evaluator.service().readiness().detail())
            .startsWith("schema registry unavailable since");
        assertThat(worker.service().failure()).isEmpty();
        assertThat(evaluator.service().failure()).isEmpty();
        assertThat(committed(trainerConfig.workerGroupId())).isZero();
        assertThat(committed(evaluatorConfig.groupId())).isZero();
        assertThat(raw(harness.topics().candidates())).hasSize(1);
        assertThat(raw(harness.topics().verdicts())).isEmpty();
      } finally {
        REGISTRY.restart();
      }

      // The worker trains the job into the candidate's twin; the evaluator decides on both.
      List<EvaluationVerdict> verdicts =
          harness.await(harness.topics().verdicts(), found -> found.size() == 2, TIMEOUT);
      List<AdapterCandidate> candidates = harness.readAll(harness.topics().candidates());
      assertThat(candidates)
          .hasSize(2)
          .extracting(AdapterCandidate::getJobId)
          .containsOnly(candidates.get(0).getJobId());
      assertThat(verdicts)
          .extracting(verdict -> verdict.getCandidate().getCandidateId())
          .containsOnly(candidates.get(0).getCandidateId());
      await(
          "offsets committed",
          () ->
              committed(trainerConfig.workerGroupId()) == 1
                  && committed(evaluatorConfig.groupId()) == 2);
      await("both ready again", () -> ready(worker) && ready(evaluator));
    }
  }

  private static EvaluatorConfig evaluatorConfig(TrainerHarness harness) {
    TrainerConfig trainer = harness.config();
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(EvaluatorConfig.TOPIC_PREFIX_CONFIG, harness.catalog().topicPrefix());
    values.put(
        EvaluatorConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(harness.catalog().spec(PerennialTopic.CANDIDATES).partitions()));
    // small suites on the tiny test base, as EvaluatorServiceIT's
    values.put(EvaluatorConfig.GENERAL_SIZE_CONFIG, "48");
    values.put(EvaluatorConfig.LEAKAGE_CONTROLS_CONFIG, "63");
    values.put(EvaluatorConfig.ARTIFACT_STORE_PATH_CONFIG, trainer.artifactStorePath().toString());
    values.put(
        EvaluatorConfig.BASE_MODEL_PATH_CONFIG,
        harness.values().get(TrainerConfig.BASE_MODEL_PATH_CONFIG));
    values.put(
        EvaluatorConfig.BASE_MODEL_NAME_CONFIG,
        harness.values().get(TrainerConfig.BASE_MODEL_NAME_CONFIG));
    values.put(
        EvaluatorConfig.EVALUATION_PATH_CONFIG,
        trainer.artifactStorePath().resolveSibling("evaluations").toString());
    values.put(EvaluatorConfig.GROUP_ID_CONFIG, KAFKA.uniqueName("evaluator"));
    values.put(EvaluatorConfig.INSTANCE_ID_CONFIG, KAFKA.uniqueName("instance"));
    values.put(EvaluatorConfig.THREADS_CONFIG, "1");
    values.put(EvaluatorConfig.HTTP_PORT_CONFIG, "0");
    return new EvaluatorConfig(values);
  }

  private static boolean ready(ServiceProcess<?> process) {
    return process.service().readiness().ready();
  }

  private static boolean outage(ServiceProcess<?> process) {
    return process.service().readiness().detail().startsWith("schema registry unavailable");
  }

  private static List<ConsumerRecord<String, byte[]>> raw(Topic<String, ?> topic) {
    return TopicReader.readRecords(
        KAFKA.clientProperties(),
        topic.name(),
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        TIMEOUT);
  }

  /** Writes the record's key and bytes as they are: no schema registry is asked. */
  private static void copy(ConsumerRecord<String, byte[]> record, Topic<String, ?> to) {
    KAFKA.produce(
        to.name(),
        new StringSerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair(record.key(), record.value())));
  }

  /** The offsets a consumer group has committed, summed over its partitions. */
  private static long committed(String groupId) {
    try (Admin admin = KAFKA.createAdmin()) {
      return admin
          .listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .filter(offset -> offset != null)
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot read the offsets of " + groupId, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted reading the offsets of " + groupId, e);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + TIMEOUT + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
