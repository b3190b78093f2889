package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry goes away while a worker works.
 *
 * <ul>
 *   <li>While it trains its first job, so the transaction that sends the job's candidate aborts
 *       (the worker does not know the candidate schema's id yet). The worker keeps the trained job,
 *       says it is not ready, and commits the candidate once the registry is back, without training
 *       the job a second time.
 *   <li>While it holds that candidate and the group takes the job's partition away and gives it
 *       back: the held candidate is dropped, never committed, and the job read again yields the one
 *       candidate.
 *   <li>Before it reads its first job. The worker waits for the registry without leaving its
 *       consumer group: its loop keeps polling (every partition paused) instead of sleeping out
 *       pauses that grow to 10 s, longer than a {@code max.poll.interval.ms} an operator may set.
 * </ul>
 */
class WorkerCommitRetryIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String KEY = "acme/support";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path folder;

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aCandidateWhoseTransactionAbortsIsCommittedOnARetryWithoutTrainingTheJobAgain()
      throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainingJob job = sealOneLongJob(harness);
    TrainerConfig config = harness.config();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker = TrainerWorker.create(config, meters, null)) {
      worker.start();
      await("the job trains", () -> gauge(meters, "perennial.trainer.job.step") >= 1);

      REGISTRY.stop();
      double trainedTokens;
      try {
        assertStillTraining(meters);
        // the candidate cannot be written: its transaction aborts, and the registry is reported
        await(
            "the outage reported",
            () -> worker.readiness().detail().startsWith("schema registry unavailable"));
        trainedTokens = tokens(meters);
        // several retries (0.5 s, 1 s, 2 s): the job is neither trained again nor committed
        TrainerHarness.sleep(4_000);
        assertThat(tokens(meters)).as("tokens trained").isEqualTo(trainedTokens);
        assertThat(gauge(meters, "perennial.trainer.job.step")).isZero();
        assertThat(worker.readiness().ready()).isFalse();
        assertThat(worker.failure()).isEmpty();
        assertThat(committed(config.workerGroupId())).isZero();
      } finally {
        REGISTRY.restart();
      }

      List<AdapterCandidate> candidates =
          harness.await(harness.topics().candidates(), found -> !found.isEmpty(), TIMEOUT);
      await("the job's offset committed", () -> committed(config.workerGroupId()) == 1);
      await("ready again", () -> worker.readiness().ready());
      assertThat(harness.readAll(harness.topics().candidates()))
          .singleElement()
          .extracting(AdapterCandidate::getJobId)
          .isEqualTo(job.getJobId());
      assertThat(candidates).hasSize(1);
      assertThat(tokens(meters)).as("tokens trained").isEqualTo(trainedTokens);
      assertThat(
              meters
                  .get("perennial.trainer.worker.jobs")
                  .tag("outcome", "candidate")
                  .counter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHeldCandidateWhosePartitionIsTakenAwayIsDroppedNotCommitted() throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainingJob job = sealOneLongJob(harness);
    TrainerConfig config = harness.config();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker = TrainerWorker.create(config, meters, null)) {
      worker.start();
      await("the job trains", () -> gauge(meters, "perennial.trainer.job.step") >= 1);

      REGISTRY.stop();
      try {
        assertStillTraining(meters);
        await(
            "the candidate held",
            () -> worker.readiness().detail().startsWith("schema registry unavailable"));
        double trainedTokens = tokens(meters);
        // The group takes the partitions away and gives them back (meanwhile another worker could
        // have committed the job): the held candidate is dropped and the job, read again, trains
        // again. A worker that kept it went on retrying it and never trained the job again.
        removeFromGroup(config);
        await("the job trained again", () -> tokens(meters) > trainedTokens);
      } finally {
        REGISTRY.restart();
      }

      harness.await(harness.topics().candidates(), found -> !found.isEmpty(), TIMEOUT);
      await("the job's offset committed", () -> committed(config.workerGroupId()) == 1);
      TrainerHarness.sleep(2_000);
      assertThat(harness.readAll(harness.topics().candidates()))
          .singleElement()
          .extracting(AdapterCandidate::getJobId)
          .isEqualTo(job.getJobId());
      assertThat(jobs(meters, "candidate")).isEqualTo(1);
    }
  }

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWorkerWaitingForTheRegistryKeepsPollingAndReadsTheJobOnceItIsBack() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    // below the 4 s and 8 s pauses the outage brings
    harness.values().put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "3000");
    TrainerConfig config = harness.config();
    // nothing to train: the worker skips it once it can read it
    harness.produce(
        harness.topics().trainingJobs(), List.of(KeyValue.pair(KEY, jobWithoutShards())));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    REGISTRY.stop();
    try (TrainerWorker worker = TrainerWorker.create(config, meters, null)) {
      try {
        worker.start();
        await(
            "the outage reported",
            () -> worker.readiness().detail().startsWith("schema registry unavailable"));
        // pauses of 0.5, 1, 2, 4 and 8 s: a loop that sleeps them polls up to 8 s apart
        TrainerHarness.sleep(12_000);
        assertSoftly(
            softly -> {
              softly
                  .assertThat(clientMetric(meters, "kafka.consumer.time.between.poll.max"))
                  .as("the longest time between two polls, ms")
                  .isLessThan(3_000);
              softly
                  .assertThat(clientMetric(meters, "kafka.consumer.coordinator.rebalance.total"))
                  .as("the worker's rebalances: it never left its group")
                  .isEqualTo(1);
            });
        assertThat(worker.readiness().ready()).isFalse();
        assertThat(worker.failure()).isEmpty();
        assertThat(committed(config.workerGroupId())).isZero();
      } finally {
        REGISTRY.restart();
      }

      await("the job skipped", () -> jobs(meters, "skipped") == 1);
      await("the job's offset committed", () -> committed(config.workerGroupId()) == 1);
      await("ready again", () -> worker.readiness().ready());
    }
  }

  /**
   * Seals one job of six examples that trains long enough for the registry to stop meanwhile: 300
   * steps of the test base (about 1.3 s here, 2 s on CI, where stopping the registry takes about
   * 0.5 s), checked by {@link #assertStillTraining}. Every step more is time the test only waits.
   */
  private static TrainingJob sealOneLongJob(TrainerHarness harness) throws Exception {
    harness.values().put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    harness.values().put("perennial.trainer.tenant.acme.trigger.min.examples", "6");
    harness.values().put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "10000");
    harness.values().put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "300");
    harness.produce(
        harness.topics().examples(),
        IntStream.range(0, 6)
            .mapToObj(i -> KeyValue.pair(KEY, text(KEY, "r-" + i, "Acme note " + i + ": teal.")))
            .toList());
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(harness.config())) {
      accumulator.awaitRunning(TIMEOUT);
      return harness
          .await(harness.topics().trainingJobs(), jobs -> jobs.size() == 1, TIMEOUT)
          .get(0);
    }
  }

  /** The registry went down while the job still trained, before its candidate could be sent. */
  private static void assertStillTraining(SimpleMeterRegistry meters) {
    assertThat(gauge(meters, "perennial.trainer.job.step"))
        .as("the job's step once the registry stopped (0: training had ended)")
        .isPositive();
  }

  /** Removes the worker (a static member) from its group, as an operator can. */
  private static void removeFromGroup(TrainerConfig config) {
    try (Admin admin = KAFKA.createAdmin()) {
      admin
          .removeMembersFromConsumerGroup(
              config.workerGroupId(),
              new RemoveMembersFromConsumerGroupOptions(
                  List.of(new MemberToRemove(config.workerTransactionalId()))))
          .all()
          .get();
    } catch (Exception e) {
      throw new AssertionError("cannot remove the worker from " + config.workerGroupId(), e);
    }
  }

  private static TrainingJob jobWithoutShards() {
    return TrainingJob.newBuilder()
        .setJobId(KEY + "@1-000000000000")
        .setTenant("acme")
        .setAdapterKey(KEY)
        .setTrigger(JobTrigger.MANUAL)
        .setShards(List.of())
        .setHeldOutShards(List.of())
        .setReplayShards(List.of())
        .setCreatedAt(Instant.ofEpochMilli(1))
        .build();
  }

  private static double jobs(SimpleMeterRegistry meters, String outcome) {
    Counter counter =
        meters.find("perennial.trainer.worker.jobs").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  /** A metric of the worker's Kafka clients, as its meter registry shows it. */
  private static double clientMetric(SimpleMeterRegistry meters, String name) {
    Meter meter = meters.find(name).meter();
    assertThat(meter).as("meter %s", name).isNotNull();
    return meter.measure().iterator().next().getValue();
  }

  private static double tokens(SimpleMeterRegistry meters) {
    return meters.get("perennial.trainer.training.tokens").counter().count();
  }

  private static double gauge(SimpleMeterRegistry meters, String name) {
    return meters.get(name).gauge().value();
  }

  /** The offsets the worker group has committed, summed over its partitions. */
  private static long committed(String groupId) {
    try (Admin admin = KAFKA.createAdmin()) {
      return admin
          .listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    } catch (Exception e) {
      throw new AssertionError("cannot read the offsets of " + groupId, e);
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting until %s", what).isLessThan(deadline);
      TrainerHarness.sleep(50);
    }
  }
}
