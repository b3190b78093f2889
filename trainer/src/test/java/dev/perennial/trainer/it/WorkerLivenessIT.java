package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.ErrorOnCount;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.serde.WireFormat;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.RecordBudget;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that cannot work says so: {@code failure()} (hence {@code /health/live} and the exit
 * code) and readiness name why.
 *
 * <ul>
 *   <li>Issue 17: its loop died of an {@link Error} (not an exception).
 *   <li>Its artifact store takes no write (the folder read-only, full, gone): no job can yield a
 *       candidate, and that is no job's fault, so no job is spent on it.
 *   <li>Its artifact store holds nothing at all (its volume not mounted): the job's shards are not
 *       known to be gone, so the job is neither skipped as SHARD_GONE nor spent.
 *   <li>It cannot read {@code releases.v1} (the topic gone, no ACL, the broker not answering):
 *       likewise no job's fault.
 *   <li>Its producer takes smaller records than the accumulator's that sized the jobs (the two
 *       stages configured apart): no candidate of a job sized for the larger limit could be
 *       written, and that is the configuration's fault, no job's.
 *   <li>It cannot read a training job and cannot tell which job the record was: skipped, the job
 *       would stay in flight in the accumulator for good. (One that still begins with a job id of
 *       its key is given up under that id instead, and the worker goes on.)
 * </ul>
 */
class WorkerLivenessIT {

  /**
   * A job large enough that the eighth of a record its size leaves holds the worker's candidate's
   * own fields ({@code CandidateFloor}: a {@code max.request.size} too small for them is refused at
   * start).
   */
  private static final long PADDED_JOB_BYTES = 64 * 1024;

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWorkerWhoseLoopDiedOfAnErrorReportsTheFailure() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainerConfig config = harness.config();
    // an unreadable job is counted on the loop thread: the count throws the Error
    KAFKA.produce(
        harness.topics().trainingJobs().name(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));

    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            harness.topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            new ErrorOnCount("perennial.trainer.worker.jobs"),
            null)) {
      worker.start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (worker.failure().isEmpty() && System.nanoTime() < deadline) {
        TrainerHarness.sleep(100);
      }
      assertThat(worker.failure())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains("trainer-worker loop died of")
                      .contains("StackOverflowError"));
      assertThat(worker.readiness().ready()).isFalse();
    }
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void audit_aJobTheWorkerCannotReadIsGivenUpUnderTheJobIdItBeginsWith() throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainerConfig config = harness.config();
    String jobId = "acme/x@3-abcdefabcdef";
    // a job of a schema the registry does not know: its Avro still begins with the job id
    ByteArrayOutputStream avro = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(avro, null);
    encoder.writeString(jobId);
    encoder.writeString("more of a job no reader knows");
    encoder.flush();
    KAFKA.produce(
        harness.topics().trainingJobs().name(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(
            KeyValue.pair(
                "acme/x".getBytes(StandardCharsets.UTF_8),
                WireFormat.frame(999_999, avro.toByteArray()))));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            harness.topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            meters,
            null)) {
      worker.start();
      List<JobGivenUp> givenUp =
          harness.await(
              harness.topics().jobOutcomes(),
              outcomes -> !outcomes.isEmpty(),
              Duration.ofSeconds(30));

      assertThat(givenUp)
          .singleElement()
          .satisfies(
              job -> {
                assertThat(job.getJobId()).isEqualTo(jobId);
                assertThat(job.getAdapterKey()).isEqualTo("acme/x");
                assertThat(job.getTenant()).isEqualTo("acme");
                assertThat(job.getTrigger()).isEqualTo(JobTrigger.UNKNOWN);
                assertThat(job.getOutcome()).isEqualTo(GiveUpOutcome.SKIPPED);
                assertThat(job.getSkipReason()).isEqualTo(SkipReason.REFUSED);
                assertThat(job.getDetail()).contains("cannot be read").contains("UNKNOWN_SCHEMA");
              });
      assertThat(worker.failure()).isEmpty();
      assertThat(jobs(meters, "unreadable")).isEqualTo(1);
    }
    assertThat(committed(config.workerGroupId())).as("committed job offsets").isEqualTo(1);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void audit_aWorkerThatCannotTellWhichJobARecordWasStopsAndLeavesItUncommitted() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainerConfig config = harness.config();
    KAFKA.produce(
        harness.topics().trainingJobs().name(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));

    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            harness.topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            new SimpleMeterRegistry(),
            null)) {
      worker.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (worker.failure().isEmpty() && System.nanoTime() < deadline) {
        TrainerHarness.sleep(100);
      }
      assertThat(worker.failure())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains("Cannot read the training job at")
                      .contains("@0")
                      .contains("a job id of its key"));
      assertThat(worker.readiness().ready()).isFalse();
    }
    assertThat(committed(config.workerGroupId())).as("committed job offsets").isZero();
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void audit_aDecisionRecordTheWorkerCannotReadIsCountedNotSkippedSilently() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    harness.values().put(TrainerConfig.WORKER_DECISION_WAIT_MS_CONFIG, "60000");
    TrainerConfig config = harness.config();
    for (String topic :
        List.of(
            harness.topics().candidates().name(),
            harness.topics().releases().name(),
            harness.topics().verdicts().name())) {
      KAFKA.produce(
          topic,
          new ByteArraySerializer(),
          new ByteArraySerializer(),
          List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));
    }

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            harness.topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            meters,
            null)) {
      worker.start();
      List<String> kinds = List.of("candidate", "release", "verdict");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (kinds.stream().anyMatch(kind -> unreadableDecisions(meters, kind) == 0)
          && System.nanoTime() < deadline) {
        TrainerHarness.sleep(100);
      }
      for (String kind : kinds) {
        assertThat(unreadableDecisions(meters, kind)).as("unreadable %s records", kind).isOne();
      }
      assertThat(worker.failure()).isEmpty();
    }
  }

  private static double unreadableDecisions(SimpleMeterRegistry meters, String kind) {
    Counter counter =
        meters.find("perennial.trainer.worker.decisions.unreadable").tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWorkerWhoseArtifactStoreTakesNoWriteFailsAndLeavesTheJobUncommitted() throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainingJob job = sealOneShortJob(harness);
    TrainerConfig config = harness.config();
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker =
        TrainerWorker.create(config, harness.topics(), store, meters, null)) {
      // The shards stay readable; every write fails with an IOException, as on a full or
      // read-only volume: the store's folder for writes in progress is a plain file now.
      Path writes = store.root().resolve("tmp");
      Files.delete(writes);
      Files.writeString(writes, "not a folder");
      worker.start();

      // either the worker fails, or it gives the job up (commits it without a candidate)
      awaitFailureOrGiveUp(worker, meters, Duration.ofSeconds(240));
      assertThat(jobs(meters, "failed")).as("jobs given up without a candidate").isZero();
      assertThat(worker.failure())
          .hasValueSatisfying(why -> assertThat(why).contains("artifact store"));
      assertThat(worker.readiness().ready()).isFalse();
    }
    // the job stays to be trained by the next worker, once the store takes writes again
    assertThat(committed(config.workerGroupId())).as("committed job offsets").isZero();
    assertThat(harness.readAll(harness.topics().trainingJobs()))
        .extracting(TrainingJob::getJobId)
        .containsExactly(job.getJobId());
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWorkerWhoseArtifactStoreHoldsNothingFailsAndLeavesTheJobUncommitted() throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainingJob job = sealOneShortJob(harness);
    TrainerConfig config = harness.config();
    // the worker's volume is not mounted: its store is the image's empty mount point, while the
    // accumulator sealed the job's shards into the real one
    LocalArtifactStore unmounted = new LocalArtifactStore(folder.resolve("unmounted"));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker =
        TrainerWorker.create(config, harness.topics(), unmounted, meters, null)) {
      worker.start();

      // either the worker fails, or it gives the job up (skips it as SHARD_GONE, or fails it)
      long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      while (worker.failure().isEmpty()
          && jobs(meters, "skipped") == 0
          && jobs(meters, "failed") == 0
          && System.nanoTime() < deadline) {
        TrainerHarness.sleep(100);
      }
      assertThat(worker.skipReason(job.getJobId())).as("the job's skip").isEmpty();
      assertThat(jobs(meters, "skipped")).as("jobs skipped").isZero();
      assertThat(jobs(meters, "failed")).as("jobs given up without a candidate").isZero();
      assertThat(worker.failure())
          .hasValueSatisfying(
              why -> assertThat(why).contains("holds nothing").contains(job.getJobId()));
      assertThat(worker.readiness().ready()).isFalse();
    }
    // the job stays to be trained once the volume is mounted
    assertThat(committed(config.workerGroupId())).as("committed job offsets").isZero();
  }

  @Test
  @Timeout(value = 400, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWorkerThatCannotReadTheReleasesFailsAndLeavesTheJobUncommitted() throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    // a consumer would otherwise create the topic again, empty, by asking for it
    harness.values().put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // the read of the deleted topic times out: a short timeout keeps the test short
    harness.values().put(TrainerConfig.WORKER_RELEASES_TIMEOUT_MS_CONFIG, "3000");
    TrainingJob job = sealOneShortJob(harness);
    TrainerConfig config = harness.config();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker = TrainerWorker.create(config, meters, null)) {
      // releases.v1 goes away after the worker opened it: every read of it times out
      String releases = harness.topics().releases().name();
      try (Admin admin = KAFKA.createAdmin()) {
        admin.deleteTopics(List.of(releases)).all().get();
        while (admin.listTopics().names().get().contains(releases)) {
          TrainerHarness.sleep(100);
        }
      }
      worker.start();

      // either the worker fails, or it gives the job up (commits it without a candidate)
      awaitFailureOrGiveUp(worker, meters, Duration.ofSeconds(360));
      assertThat(jobs(meters, "failed")).as("jobs given up without a candidate").isZero();
      assertThat(worker.failure()).hasValueSatisfying(why -> assertThat(why).contains(releases));
      assertThat(worker.readiness().ready()).isFalse();
    }
    assertThat(committed(config.workerGroupId())).as("committed job offsets").isZero();
    assertThat(harness.readAll(harness.topics().trainingJobs()))
        .extracting(TrainingJob::getJobId)
        .containsExactly(job.getJobId());
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void audit_aWorkerAllowedSmallerRecordsThanTheAccumulatorStopsAndLeavesItsJobsUncommitted()
      throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    // the accumulator sizes its jobs for the default max.request.size (1 MiB)
    TrainingJob sealed = sealOneShortJob(harness);
    // a job as an accumulator writes for a key whose records interleaved with others' (many offset
    // ranges), large enough that an eighth of a record one byte smaller still holds the worker's
    // candidate's own fields (CandidateFloor), so the worker starts and meets the job
    long skipped = skipSealedJobs(harness);
    TrainingJob job = produceJobOfAtLeast(harness, sealed, PADDED_JOB_BYTES);
    // the worker is deployed with a max.request.size of its own, below the accumulator's: its
    // producer would not take even a record of this job's size (one byte less than the job), let
    // alone the job's candidate, which copies the job's lists and adds its own fields
    long jobBytes = RecordBudget.size(job.toByteBuffer(), job.getAdapterKey());
    harness
        .values()
        .put("max.request.size", String.valueOf(RecordBudget.RECORD_ROOM_BYTES + jobBytes - 1));
    TrainerConfig config = harness.config();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            harness.topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            meters,
            null)) {
      worker.start();

      // either the worker fails, or it gives the job up (its candidate refused)
      awaitFailureOrGiveUp(worker, meters, Duration.ofSeconds(240));
      assertThat(jobs(meters, "failed")).as("jobs given up without a candidate").isZero();
      assertThat(worker.failure())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains(job.getJobId())
                      .contains("max.request.size")
                      .contains("producer.max.request.size")
                      .contains("accumulator"));
      assertThat(worker.readiness().ready()).isFalse();
    }
    // the job stays to be trained once the worker is allowed what the accumulator is
    assertThat(committed(config.workerGroupId()))
        .as("committed job offsets (the sealed original's, skipped by the test)")
        .isEqualTo(skipped);
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void audit_aJobOverSevenEighthsOfTheLimitIsTrainedOrGivenUpWithoutStoppingTheWorker()
      throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainingJob sealed = sealOneShortJob(harness);
    // large enough that the worker's setting below still leaves an eighth of a record for its
    // candidate's own fields (CandidateFloor), so the worker starts and meets the job
    long skipped = skipSealedJobs(harness);
    TrainingJob job = produceJobOfAtLeast(harness, sealed, PADDED_JOB_BYTES);
    // an accumulator from before the seven-eighths sizing wrote jobs up to the whole limit: this
    // job takes all a record may under the worker's setting, so its candidate cannot fit
    long jobBytes = RecordBudget.size(job.toByteBuffer(), job.getAdapterKey());
    harness
        .values()
        .put("max.request.size", String.valueOf(RecordBudget.RECORD_ROOM_BYTES + jobBytes));
    TrainerConfig config = harness.config();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            harness.topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            meters,
            null)) {
      worker.start();

      // either the worker fails, or it gives the job up (its candidate refused)
      awaitFailureOrGiveUp(worker, meters, Duration.ofSeconds(240));
      assertThat(worker.failure()).isEmpty();
      List<JobGivenUp> givenUp =
          harness.await(
              harness.topics().jobOutcomes(),
              outcomes -> !outcomes.isEmpty(),
              Duration.ofSeconds(30));
      assertThat(givenUp)
          .singleElement()
          .satisfies(
              outcome -> {
                assertThat(outcome.getJobId()).isEqualTo(job.getJobId());
                assertThat(outcome.getOutcome()).isEqualTo(GiveUpOutcome.FAILED);
                assertThat(outcome.getDetail())
                    .contains("candidate cannot be written")
                    .contains("max.request.size");
              });
      assertThat(worker.readiness().ready()).isTrue();
    }
    assertThat(committed(config.workerGroupId()))
        .as("committed job offsets (the sealed original's, skipped by the test, and the job's)")
        .isEqualTo(skipped + 1);
  }

  /**
   * Moves the worker group past every job on the jobs topic (a worker starts after them) and
   * returns how many offsets that committed.
   */
  private static long skipSealedJobs(TrainerHarness harness) {
    String topic = harness.topics().trainingJobs().name();
    try (Admin admin = KAFKA.createAdmin()) {
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(
              p -> partitions.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
      admin
          .listOffsets(partitions)
          .all()
          .get()
          .forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end.offset())));
      admin.alterConsumerGroupOffsets(harness.config().workerGroupId(), ends).all().get();
      return ends.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    } catch (Exception e) {
      throw new AssertionError("cannot move the worker group past the sealed jobs", e);
    }
  }

  /**
   * Produces {@code sealed} again, its shard naming offset ranges (positions past any the examples
   * topic holds, as the accumulator names them for a key whose records interleaved with others')
   * until the job and its key take at least {@code bytes}; returns the job produced.
   */
  private static TrainingJob produceJobOfAtLeast(
      TrainerHarness harness, TrainingJob sealed, long bytes) throws IOException {
    String examples = harness.topics().examples().name();
    ShardRef shard = sealed.getShards().get(0);
    List<OffsetRange> ranges = new ArrayList<>(shard.getOffsetRanges());
    TrainingJob job = sealed;
    while (RecordBudget.size(job.toByteBuffer(), job.getAdapterKey()) < bytes) {
      for (int i = 0; i < 64; i++) {
        long from = 1_000_000_000L + 2L * ranges.size();
        ranges.add(new OffsetRange(examples, 0, from, from + 1));
      }
      List<ShardRef> shards = new ArrayList<>(sealed.getShards());
      shards.set(0, ShardRef.newBuilder(shard).setOffsetRanges(List.copyOf(ranges)).build());
      job = TrainingJob.newBuilder(sealed).setShards(shards).build();
    }
    harness.produce(
        harness.topics().trainingJobs(), List.of(KeyValue.pair(job.getAdapterKey(), job)));
    return job;
  }

  /** Seals one job of six examples that trains a couple of steps. */
  private static TrainingJob sealOneShortJob(TrainerHarness harness) {
    String key = "acme/support";
    harness.values().put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    harness.values().put("perennial.trainer.tenant.acme.trigger.min.examples", "6");
    harness.values().put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "1");
    harness.values().put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "2");
    harness.produce(
        harness.topics().examples(),
        IntStream.range(0, 6)
            .mapToObj(i -> KeyValue.pair(key, text(key, "r-" + i, "Acme note " + i + ": teal.")))
            .toList());
    Duration timeout = Duration.ofSeconds(90);
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(harness.config())) {
      accumulator.awaitRunning(timeout);
      return harness
          .await(harness.topics().trainingJobs(), jobs -> jobs.size() == 1, timeout)
          .get(0);
    }
  }

  /** Waits until {@code worker} fails or gives a job up, at most {@code within}. */
  private static void awaitFailureOrGiveUp(
      TrainerWorker worker, SimpleMeterRegistry meters, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (worker.failure().isEmpty()
        && jobs(meters, "failed") == 0
        && System.nanoTime() < deadline) {
      TrainerHarness.sleep(100);
    }
  }

  private static double jobs(SimpleMeterRegistry meters, String outcome) {
    Counter counter =
        meters.find("perennial.trainer.worker.jobs").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
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
}
