package dev.perennial.trainer.worker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.kafka.TransactionalCommitter;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.LogCapture;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.RecordBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCommitsTest {

  private static final String JOBS = "training-jobs.v1";
  private static final TopicPartition PARTITION = new TopicPartition(JOBS, 1);
  private static final RecordBudget DEFAULT_BUDGET = new RecordBudget(1024 * 1024);

  @TempDir Path folder;

  private final MovableClock clock = new MovableClock();
  private final PendingCommit pending =
      new PendingCommit(Duration.ofMillis(500), Duration.ofSeconds(10), clock);
  private final MockConsumer<String, TrainingJob> consumer = new MockConsumer<>("earliest");
  private final SizeLimitedProducer producer = new SizeLimitedProducer();
  private final ConsumerRecord<String, TrainingJob> record = job();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private JobCommits commits;

  @BeforeEach
  void readTheJob() {
    consumer.assign(List.of(PARTITION));
    consumer.seek(PARTITION, 43);
    producer.initTransactions();
    commits =
        new JobCommits(
            new TransactionalCommitter<>(producer, consumer),
            consumer,
            new LocalArtifactStore(folder),
            "candidates.v1",
            "job-outcomes.v1",
            "worker-0",
            clock,
            pending,
            DEFAULT_BUDGET,
            meters);
  }

  @Test
  void aFailedJobWhoseTransactionAbortsIsHeldAndCommittedAgainNotReadAndTrainedAgain() {
    assertHeldAndCommittedOnARetry(new JobOutcome.Failed(record));
  }

  @Test
  void aSkippedJobWhoseTransactionAbortsIsHeldAndCommittedAgainNotReadAgain() {
    assertHeldAndCommittedOnARetry(
        new JobOutcome.Skipped(record, JobSkippedException.Reason.AWAITS_REBASE, "its rebase"));
  }

  @Test
  void aFailedJobIsGivenUpOnJobOutcomesInTheTransactionOfItsOffset() {
    assertThat(
            commits.commit(
                new JobOutcome.Failed(
                    record, "training failed 3 times, last with java.lang.IllegalStateException")))
        .isPresent();

    JobGivenUp givenUp = theOneGivenUpCommittedWithTheOffset();
    assertThat(givenUp.getOutcome()).isEqualTo(GiveUpOutcome.FAILED);
    assertThat(givenUp.getSkipReason()).isNull();
    assertThat(givenUp.getDetail())
        .isEqualTo("training failed 3 times, last with java.lang.IllegalStateException");
  }

  @Test
  void aSkippedJobIsGivenUpOnJobOutcomesWithItsReasonInTheTransactionOfItsOffset() {
    String why = "x".repeat(JobCommits.MAX_DETAIL + 10);
    assertThat(
            commits.commit(
                new JobOutcome.Skipped(record, JobSkippedException.Reason.TOKENIZER_CHANGED, why)))
        .isPresent();

    JobGivenUp givenUp = theOneGivenUpCommittedWithTheOffset();
    assertThat(givenUp.getOutcome()).isEqualTo(GiveUpOutcome.SKIPPED);
    assertThat(givenUp.getSkipReason()).isEqualTo(SkipReason.TOKENIZER_CHANGED);
    assertThat(givenUp.getDetail()).hasSize(JobCommits.MAX_DETAIL);
  }

  @Test
  void aTrainedJobSendsItsCandidateAndNoGivenUpJob() {
    AdapterCandidate candidate = new AdapterCandidate();
    candidate.setAdapterKey("acme/support");
    assertThat(commits.commit(new JobOutcome.Trained(record, new TrainedJob(candidate, List.of()))))
        .isPresent();

    assertThat(producer.history())
        .singleElement()
        .satisfies(sent -> assertThat(sent.topic()).isEqualTo("candidates.v1"));
    assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1);
  }

  @Test
  void aTrainedJobWhoseShardAnErasureRewroteIsSkippedAndItsWeightsLeaveTheStore() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    Digest shard = store.put("a shard that held the erased subject's examples".getBytes(UTF_8));
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(
            store,
            Map.of(
                "adapter_config.json", "{\"r\": 8}".getBytes(UTF_8),
                "adapter_model.safetensors", "weights trained on it".getBytes(UTF_8)));
    store.delete(shard); // the erasure rewrote it while the job trained

    JobOutcome committed =
        commits
            .commit(
                new JobOutcome.Trained(
                    record, new TrainedJob(candidateIn(adapter, null), List.of(shard))))
            .orElseThrow();

    assertThat(committed).isInstanceOf(JobOutcome.Skipped.class);
    assertThat(producer.history())
        .singleElement()
        .satisfies(sent -> assertThat(sent.value()).isInstanceOf(JobGivenUp.class));
    // no candidate names them, so no erasure's purge ever finds them: they go with the skip
    assertThat(store.exists(Digest.parse(adapter.location())))
        .as("the adapter's folder index")
        .isFalse();
    assertThat(store.exists(blob(adapter, "adapter_model.safetensors")))
        .as("the weights trained on the erased data")
        .isFalse();
    assertThat(store.exists(blob(adapter, "adapter_config.json")))
        .as("adapter_config.json, no trained values, shared by every adapter of its shape")
        .isTrue();
  }

  @Test
  void audit_aCandidateTheProducerRefusesForItsSizeGivesItsJobUpInsteadOfHoldingItForever() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(
            store,
            Map.of(
                "adapter_config.json", "{\"r\": 8}".getBytes(UTF_8),
                "adapter_model.safetensors", "weights".getBytes(UTF_8)));
    producer.refuseCandidates = true;

    JobOutcome committed =
        commits
            .commit(
                new JobOutcome.Trained(
                    record, new TrainedJob(candidateIn(adapter, null), List.of())))
            .orElseThrow();

    assertThat(committed).isInstanceOf(JobOutcome.Failed.class);
    assertThat(pending.isEmpty()).as("nothing held to try again").isTrue();
    JobGivenUp givenUp = theOneGivenUpCommittedWithTheOffset();
    assertThat(givenUp.getOutcome()).isEqualTo(GiveUpOutcome.FAILED);
    assertThat(givenUp.getDetail())
        .startsWith("the candidate cannot be written")
        .contains("RecordTooLargeException");
    // no candidate names them, so no erasure's purge ever finds them
    assertThat(store.exists(blob(adapter, "adapter_model.safetensors"))).isFalse();
  }

  @Test
  void audit_aRefusedCandidatesGiveUpSaysWhichSettingsToRaiseAndAnErasureSaysItsReleasesGo() {
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(
            new LocalArtifactStore(folder),
            Map.of("adapter_model.safetensors", "weights".getBytes(UTF_8)));
    producer.refuseCandidates = true;
    TrainingJob erasure =
        TrainingJob.newBuilder(record.value())
            .setTrigger(JobTrigger.ERASURE)
            .setErasure(new ErasureDetails("erasure-1", "", List.of(2, 3)))
            .build();
    ConsumerRecord<String, TrainingJob> erasureRecord =
        new ConsumerRecord<>(JOBS, 1, 42, "acme/support", erasure);

    String logged;
    try (LogCapture logs = new LogCapture()) {
      commits.commit(
          new JobOutcome.Trained(
              erasureRecord, new TrainedJob(candidateIn(adapter, null), List.of())));
      logged = String.join("\n", logs.warnings());
    }

    assertThat(producer.transactionCommitted()).isTrue();
    JobGivenUp givenUp = (JobGivenUp) producer.history().get(0).value();
    assertThat(givenUp.getTrigger())
        .as("the publisher retracts on it")
        .isEqualTo(JobTrigger.ERASURE);
    assertThat(givenUp.getOutcome()).isEqualTo(GiveUpOutcome.FAILED);
    assertThat(givenUp.getDetail())
        .as("what the candidate was allowed, and what to raise")
        .contains(String.valueOf(DEFAULT_BUDGET.recordBytes() - DEFAULT_BUDGET.jobBytes()))
        .contains("max.request.size")
        .contains("both trainer stages")
        .contains("candidates.v1's max.message.bytes")
        .contains("RecordTooLargeException");
    assertThat(logged)
        .as("what becomes of the releases the erasure's retrain was to replace")
        .contains("retract")
        .contains("[2, 3]")
        .contains("without a replacement");
  }

  @Test
  void audit_aGivenUpJobTheProducerRefusesForItsSizeIsGivenUpAgainWithoutItsDetail() {
    producer.givenUpDetailLimit = 100;

    Optional<JobOutcome> committed;
    String logged;
    try (LogCapture logs = new LogCapture()) {
      committed =
          commits.commit(
              new JobOutcome.Skipped(
                  record, JobSkippedException.Reason.TOKENIZER_CHANGED, "x".repeat(400)));
      logged = String.join("\n", logs.warnings());
    }

    assertThat(committed).as("not held for ever").isPresent();
    assertThat(pending.isEmpty()).isTrue();
    JobGivenUp givenUp = theOneGivenUpCommittedWithTheOffset();
    assertThat(givenUp.getOutcome()).isEqualTo(GiveUpOutcome.SKIPPED);
    assertThat(givenUp.getSkipReason()).isEqualTo(SkipReason.TOKENIZER_CHANGED);
    assertThat(givenUp.getDetail()).hasSizeLessThanOrEqualTo(100);
    assertThat(logged).contains("RecordTooLargeException");
  }

  @Test
  void audit_aGivenUpJobTheProducerRefusesEvenWithoutItsDetailCommitsItsOffsetAloneAndSaysSo() {
    producer.refuseEveryGivenUp = true;

    Optional<JobOutcome> committed;
    String logged;
    try (LogCapture logs = new LogCapture()) {
      committed = commits.commit(new JobOutcome.Failed(record));
      logged = String.join("\n", logs.warnings());
    }

    assertThat(committed).as("not held for ever").isPresent();
    assertThat(pending.isEmpty()).isTrue();
    assertThat(producer.transactionCommitted()).isTrue();
    assertThat(producer.history()).as("no record could be written").isEmpty();
    assertThat(producer.consumerGroupOffsetsHistory())
        .singleElement()
        .satisfies(
            offsets ->
                assertThat(offsets.values())
                    .containsExactly(Map.of(PARTITION, new OffsetAndMetadata(43))));
    assertThat(meters.find("perennial.trainer.worker.jobs").tag("outcome", "unrecorded").counter())
        .isNotNull()
        .satisfies(counter -> assertThat(counter.count()).isEqualTo(1));
    assertThat(logged).contains("acme/support@3-abc", "RecordTooLargeException");
  }

  @Test
  void aSkippedJobsIdThatIsNoIdIsNotRepeatedInItsLogLineNorItsGivenUpRecord() {
    // training-jobs.v1's job id is whatever its writer put there: a line break forges a log line.
    record.value().setJobId("acme/support@3-abc\n2026-01-02 03:04:05 INFO forged line");
    LocalArtifactStore store = new LocalArtifactStore(folder);
    Digest shard = store.put("a shard that held the erased subject's examples".getBytes(UTF_8));
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(store, Map.of("adapter_config.json", "{\"r\": 8}".getBytes(UTF_8)));
    store.delete(shard);

    String logged;
    try (LogCapture logs = new LogCapture()) {
      commits.commit(
          new JobOutcome.Trained(
              record, new TrainedJob(candidateIn(adapter, null), List.of(shard))));
      logged = logs.text();
    }

    assertThat(logged).doesNotContain("forged line").contains("Skipping job", "not shown");
    assertThat(producer.history())
        .singleElement()
        .satisfies(
            sent ->
                assertThat(((JobGivenUp) sent.value()).getDetail()).doesNotContain("forged line"));
  }

  @Test
  void aSkippedTrainedJobKeepsTheWeightsItSharesWithTheReleaseItStartedFrom() {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    Digest shard = store.put("a shard that held the erased subject's examples".getBytes(UTF_8));
    byte[] config = "{\"r\": 8}".getBytes(UTF_8);
    FolderIndex.StoredFolder release =
        FolderIndex.store(
            store,
            Map.of(
                "adapter_config.json", config, "adapter_model.safetensors", "v2".getBytes(UTF_8)));
    // carried over as it was (or trained no step): the same weights blob as the release's
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(
            store,
            Map.of(
                "adapter_config.json",
                config,
                "adapter_model.safetensors",
                "v2".getBytes(UTF_8),
                "README.md",
                "carried over".getBytes(UTF_8)));
    store.delete(shard);

    commits.commit(
        new JobOutcome.Trained(
            record, new TrainedJob(candidateIn(adapter, release.location()), List.of(shard))));

    assertThat(store.exists(Digest.parse(release.location()))).isTrue();
    assertThat(store.exists(blob(release, "adapter_model.safetensors")))
        .as("the release's weights")
        .isTrue();
    assertThat(store.exists(Digest.parse(adapter.location()))).isFalse();
    assertThat(store.exists(blob(adapter, "README.md"))).isFalse();
  }

  /** A candidate of {@link #record} stored as {@code adapter}, started from the release there. */
  private static AdapterCandidate candidateIn(
      FolderIndex.StoredFolder adapter, String sourceLocation) {
    AdapterCandidate candidate = new AdapterCandidate();
    candidate.setCandidateId("acme/support@3-abc#candidate");
    candidate.setJobId("acme/support@3-abc");
    candidate.setAdapterKey("acme/support");
    candidate.setLocation(adapter.location());
    candidate.setFileDigests(Map.copyOf(adapter.fileDigests()));
    if (sourceLocation != null) {
      candidate.setLineage(
          Lineage.newBuilder()
              .setMethod(LineageMethod.CARRIED_OVER)
              .setSourceRelease(
                  LineageRelease.newBuilder()
                      .setVersion(2)
                      .setLocation(sourceLocation)
                      .setManifestDigest("sha256:" + "0".repeat(64))
                      .setBaseModelName("tiny")
                      .setBaseModelDigest("sha256:" + "1".repeat(64))
                      .build())
              .build());
    }
    return candidate;
  }

  private static Digest blob(FolderIndex.StoredFolder adapter, String file) {
    return Digest.parse(adapter.fileDigests().get(file));
  }

  @Test
  void anEmptyRecordCommitsItsOffsetAlone() {
    ConsumerRecord<String, TrainingJob> empty = new ConsumerRecord<>(JOBS, 1, 42, "x", null);
    assertThat(commits.commit(new JobOutcome.Empty(empty))).isPresent();

    assertThat(producer.history()).isEmpty();
    assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1);
  }

  @Test
  void everySkipReasonHasItsOwnSymbolInTheRecord() {
    for (JobSkippedException.Reason reason : JobSkippedException.Reason.values()) {
      assertThat(JobCommits.skipReason(reason).name()).isEqualTo(reason.name());
    }
  }

  /**
   * The one record sent, a given-up job on job-outcomes.v1 keyed by adapter key, committed in the
   * transaction that committed the job's offset.
   */
  private JobGivenUp theOneGivenUpCommittedWithTheOffset() {
    assertThat(producer.transactionCommitted()).isTrue();
    assertThat(producer.consumerGroupOffsetsHistory())
        .singleElement()
        .satisfies(
            offsets ->
                assertThat(offsets.values())
                    .containsExactly(Map.of(PARTITION, new OffsetAndMetadata(43))));
    assertThat(producer.history()).hasSize(1);
    ProducerRecord<String, SpecificRecord> sent = producer.history().get(0);
    assertThat(sent.topic()).isEqualTo("job-outcomes.v1");
    assertThat(sent.key()).isEqualTo("acme/support");
    JobGivenUp givenUp = (JobGivenUp) sent.value();
    assertThat(givenUp.getJobId()).isEqualTo("acme/support@3-abc");
    assertThat(givenUp.getTenant()).isEqualTo("acme");
    assertThat(givenUp.getAdapterKey()).isEqualTo("acme/support");
    assertThat(givenUp.getTrigger()).isEqualTo(JobTrigger.MIN_EXAMPLES);
    assertThat(givenUp.getWorkerId()).isEqualTo("worker-0");
    assertThat(givenUp.getGivenUpAt()).isEqualTo(clock.instant());
    return givenUp;
  }

  @Test
  void aTrainedJobWhoseTransactionAbortsIsHeldAndItsCandidateCommittedAgain() {
    AdapterCandidate candidate = new AdapterCandidate();
    candidate.setAdapterKey("acme/support");
    assertHeldAndCommittedOnARetry(
        new JobOutcome.Trained(record, new TrainedJob(candidate, List.of())));
    assertThat(producer.history())
        .singleElement()
        .satisfies(sent -> assertThat(sent.value()).isSameAs(candidate));
  }

  @Test
  void aHeldOutcomeOfAPartitionThatMovedAwayIsDroppedUncommitted() {
    producer.commitTransactionException = new KafkaException("abortable: a rebalance");
    assertThat(commits.commit(new JobOutcome.Failed(record))).isEmpty();
    producer.commitTransactionException = null;

    consumer.assign(List.of(new TopicPartition(JOBS, 0)));
    clock.advance(Duration.ofMillis(500));

    assertThat(commits.retryDue()).isEmpty();
    assertThat(pending.isEmpty()).isTrue();
    assertThat(producer.consumerGroupOffsetsHistory()).isEmpty();
  }

  /**
   * The outcome's first transaction aborts: nothing is committed, the job is not read again (the
   * consumer stays after it), and its transaction is tried again once the pause is over.
   */
  private void assertHeldAndCommittedOnARetry(JobOutcome outcome) {
    producer.commitTransactionException = new KafkaException("abortable: a rebalance");

    assertThat(commits.commit(outcome)).isEmpty();

    assertThat(producer.transactionAborted()).isTrue();
    assertThat(consumer.position(PARTITION)).as("the consumer's position").isEqualTo(43);
    assertThat(pending.held())
        .hasValueSatisfying(held -> assertThat(held.outcome()).isSameAs(outcome));

    producer.commitTransactionException = null;
    assertThat(commits.retryDue()).as("before its pause is over").isEmpty();
    clock.advance(Duration.ofMillis(500));
    assertThat(commits.retryDue()).containsSame(outcome);
    assertThat(pending.isEmpty()).isTrue();
    if (!(outcome instanceof JobOutcome.Trained)) {
      assertThat(producer.history())
          .as("the job given up, once, with the offset")
          .singleElement()
          .satisfies(sent -> assertThat(sent.value()).isInstanceOf(JobGivenUp.class));
    }
    assertThat(producer.consumerGroupOffsetsHistory())
        .singleElement()
        .satisfies(
            offsets ->
                assertThat(offsets.values())
                    .containsExactly(Map.of(PARTITION, new OffsetAndMetadata(43))));
  }

  /**
   * A transactional producer that, once {@link #refuseCandidates} is set, refuses every candidate
   * as KafkaProducer refuses a record over {@code max.request.size}: the send fails, and the
   * transaction can then only be aborted.
   */
  private static final class SizeLimitedProducer extends MockProducer<String, SpecificRecord> {
    boolean refuseCandidates;

    /** A given-up job whose detail is longer is refused (the record too large). */
    int givenUpDetailLimit = Integer.MAX_VALUE;

    /** Every given-up job is refused, however short its detail (a huge job id). */
    boolean refuseEveryGivenUp;

    private RecordTooLargeException refused;

    SizeLimitedProducer() {
      super(true, null, new StringSerializer(), (topic, value) -> new byte[0]);
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<String, SpecificRecord> sent) {
      if ((refuseCandidates && sent.value() instanceof AdapterCandidate)
          || (sent.value() instanceof JobGivenUp givenUp
              && (refuseEveryGivenUp || givenUp.getDetail().length() > givenUpDetailLimit))) {
        refused =
            new RecordTooLargeException(
                "The message is 1300000 bytes when serialized which is larger than 1048576, which"
                    + " is the value of the max.request.size configuration.");
        return CompletableFuture.failedFuture(refused);
      }
      return super.send(sent);
    }

    @Override
    public synchronized void commitTransaction() {
      if (refused != null) {
        throw new KafkaException(
            "Cannot execute transactional method because we are in an error state", refused);
      }
      super.commitTransaction();
    }

    @Override
    public synchronized void abortTransaction() {
      refused = null;
      super.abortTransaction();
    }
  }

  private static ConsumerRecord<String, TrainingJob> job() {
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId("acme/support@3-abc")
            .setTenant("acme")
            .setAdapterKey("acme/support")
            .setTrigger(JobTrigger.MIN_EXAMPLES)
            .setShards(List.of())
            .setHeldOutShards(List.of())
            .setReplayShards(List.of())
            .setCreatedAt(Instant.ofEpochMilli(1))
            .build();
    return new ConsumerRecord<>(JOBS, 1, 42, "acme/support", job);
  }
}
