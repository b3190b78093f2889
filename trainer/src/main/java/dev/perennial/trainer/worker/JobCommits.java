package dev.perennial.trainer.worker;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.kafka.CommitResult;
import dev.perennial.core.kafka.TransactionalCommitter;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.CorruptArtifactException;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.InvalidFolderIndexException;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.RecordBudget;
import dev.perennial.trainer.erasure.CandidateWeights;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a job's outcome together with the job's offset in one transaction, on the worker loop's
 * thread: a trained job's candidate on {@code candidates.v1}; for a job given up (failed on every
 * attempt, or skipped) a {@link JobGivenUp} on {@code job-outcomes.v1}, so the accumulator knows
 * that no candidate will come (a given-up REBASE job is settled by it); nothing for an empty
 * record. An outcome whose transaction aborts is held ({@link PendingCommit}) and committed again
 * after a pause: the job is never read and trained again (a failed job would otherwise be trained
 * {@code worker.job.attempts} more times). A candidate Kafka refuses for what it is (too large:
 * {@link CommitResult#refusal}) can never be committed: its job fails with that reason instead, and
 * its weights, named by no candidate, leave the artifact store. A given-up job refused so is given
 * up again without its detail, and, refused even then, its offset is committed alone (logged at
 * ERROR, counted as {@code perennial.trainer.worker.jobs{outcome=unrecorded}}): never held for
 * ever, which would stop every later job of its partition. A trained job one of whose shards an
 * erasure rewrote meanwhile is skipped instead, and its adapter's weights, trained on the erased
 * data and named by no candidate, are deleted from the artifact store first. Nothing is committed
 * for a partition that moved to another worker.
 */
final class JobCommits {

  private static final Logger log = LoggerFactory.getLogger(JobCommits.class);

  /** The longest detail a {@link JobGivenUp} carries. */
  static final int MAX_DETAIL = 500;

  /** The detail of a job given up again after Kafka refused its record with the full one. */
  static final String DETAIL_LEFT_OUT = "(left out: Kafka refused the record with it)";

  private final TransactionalCommitter<String, SpecificRecord> committer;
  private final Consumer<String, TrainingJob> consumer;
  private final ArtifactStore store;
  private final String candidatesTopic;
  private final String outcomesTopic;
  private final String workerId;
  private final Clock clock;
  private final PendingCommit pending;
  private final RecordBudget budget;
  private final Counter unrecorded;

  /**
   * @param candidatesTopic where candidates go ({@code candidates.v1})
   * @param outcomesTopic where given-up jobs go ({@code job-outcomes.v1})
   * @param workerId this worker, named in each given-up job
   * @param clock the time a job is given up at
   * @param budget what the worker's producer lets a record take, named when it refuses one
   * @param meters where a job given up without its record is counted
   */
  JobCommits(
      TransactionalCommitter<String, SpecificRecord> committer,
      Consumer<String, TrainingJob> consumer,
      ArtifactStore store,
      String candidatesTopic,
      String outcomesTopic,
      String workerId,
      Clock clock,
      PendingCommit pending,
      RecordBudget budget,
      MeterRegistry meters) {
    this.committer = committer;
    this.consumer = consumer;
    this.store = store;
    this.candidatesTopic = candidatesTopic;
    this.outcomesTopic = outcomesTopic;
    this.workerId = workerId;
    this.clock = clock;
    this.pending = pending;
    this.budget = budget;
    this.unrecorded =
        Counter.builder("perennial.trainer.worker.jobs")
            .tag("outcome", "unrecorded")
            .register(meters);
  }

  /**
   * Commits {@code outcome}. Returns what was committed (a trained job whose shard was rewritten
   * becomes a {@link JobOutcome.Skipped}), or empty when nothing was: the partition moved, or the
   * transaction aborted (the outcome is then held).
   */
  Optional<JobOutcome> commit(JobOutcome outcome) {
    ConsumerRecord<String, TrainingJob> record = outcome.record();
    if (!consumer.assignment().contains(outcome.partition())) {
      log.info("Dropping {}: its partition moved to another worker", outcome.describe());
      pending.clear();
      return Optional.empty();
    }
    if (outcome instanceof JobOutcome.Trained trained) {
      Optional<Digest> gone = rewrittenShard(trained.job());
      if (gone.isPresent()) {
        pending.clear();
        String why =
            "shard "
                + gone.get()
                + " was rewritten by an erasure while "
                + RecordIds.shown(record.value().getJobId())
                + " trained";
        JobOutcome.Skipped skipped =
            new JobOutcome.Skipped(record, JobSkippedException.Reason.SHARD_GONE, why);
        log.warn(
            "Skipping job {} ({}): {}",
            RecordIds.shown(record.value().getJobId()),
            skipped.reason(),
            why);
        deleteWeights(trained.job().candidate());
        return commit(skipped);
      }
    }
    CommitResult result = committer.commit(outputs(outcome), List.of(record));
    if (result.isCommitted()) {
      pending.clear();
      return Optional.of(outcome);
    }
    if (result.refusal().isPresent()) {
      pending.clear();
      return refused(outcome, result.refusal().get());
    }
    PendingCommit.Held held = pending.hold(outcome);
    log.warn(
        "The transaction of {} aborted; retry {} in {} ms, without training the job again",
        outcome.describe(),
        held.failures(),
        held.pause().toMillis());
    return Optional.empty();
  }

  /**
   * Ends a job whose outcome Kafka refuses for what it is ({@link CommitResult#refusal}), which no
   * retry can commit: a candidate becomes the job's failure; a job given up is given up again
   * without its detail, and one refused even so (its ids too large) commits the job's offset alone,
   * so the partition's other jobs go on.
   */
  private Optional<JobOutcome> refused(JobOutcome outcome, String refusal) {
    ConsumerRecord<String, TrainingJob> record = outcome.record();
    String jobId = RecordIds.shown(record.value().getJobId());
    if (outcome instanceof JobOutcome.Trained trained) {
      // what to raise first: the detail keeps MAX_DETAIL characters, Kafka's text comes last
      String why =
          "the candidate cannot be written: its own fields take more than the "
              + candidateRoom(record)
              + ") its job leaves them, or it is over "
              + candidatesTopic
              + "'s max.message.bytes. Raise max.request.size on both trainer stages and"
              + " max.message.bytes to match ("
              + refusal
              + ")";
      log.error("Giving up job {}: {}", jobId, why);
      TrainingJob job = record.value();
      if (job.getTrigger() == JobTrigger.ERASURE && job.getErasure() != null) {
        log.error(
            "ERASURE job {} yields no retrained release: the publisher retracts releases {} of {}"
                + " at once, without a replacement, on its give-up",
            jobId,
            job.getErasure().getAffectedVersions(),
            job.getAdapterKey());
      }
      deleteWeights(trained.job().candidate());
      return commit(new JobOutcome.Failed(record, why));
    }
    Optional<JobOutcome> withoutDetail = withoutDetail(outcome);
    if (withoutDetail.isPresent()) {
      log.error("Giving up job {} again without its detail: {}", jobId, refusal);
      return commit(withoutDetail.get());
    }
    log.error(
        "Committing the offset of job {} without its given-up record: {}. The accumulator never"
            + " learns that the job was given up, so an adapter a worker stored for it is not"
            + " swept",
        jobId,
        refusal);
    unrecorded.increment();
    return commit(new JobOutcome.Empty(record)).map(offsetAlone -> outcome);
  }

  /**
   * The bytes {@code record}'s job leaves its candidate's own fields, and why: at least the last
   * eighth of the limit, less for a job written before the seven-eighths sizing.
   */
  private String candidateRoom(ConsumerRecord<String, TrainingJob> record) {
    long jobBytes = JobBudgetCheck.bytes(record);
    if (jobBytes <= budget.jobBytes()) {
      return budget.candidateBytes()
          + " bytes (an eighth of max.request.size "
          + budget.maxRequestSize();
    }
    return Math.max(0, budget.recordBytes() - jobBytes)
        + " bytes (max.request.size "
        + budget.maxRequestSize()
        + " less 1 KiB and the job's "
        + jobBytes
        + ", more than the seven eighths a job is now written in";
  }

  /** A given-up outcome whose detail is {@link #DETAIL_LEFT_OUT}; empty if it is already. */
  private static Optional<JobOutcome> withoutDetail(JobOutcome outcome) {
    if (outcome instanceof JobOutcome.Failed failed && !DETAIL_LEFT_OUT.equals(failed.why())) {
      return Optional.of(new JobOutcome.Failed(failed.record(), DETAIL_LEFT_OUT));
    }
    if (outcome instanceof JobOutcome.Skipped skipped && !DETAIL_LEFT_OUT.equals(skipped.why())) {
      return Optional.of(
          new JobOutcome.Skipped(skipped.record(), skipped.reason(), DETAIL_LEFT_OUT));
    }
    return Optional.empty();
  }

  /** Commits the held outcome again once its pause is over; what was committed, or empty. */
  Optional<JobOutcome> retryDue() {
    return pending.takeDue().flatMap(held -> commit(held.outcome()));
  }

  private List<ProducerRecord<String, SpecificRecord>> outputs(JobOutcome outcome) {
    if (outcome instanceof JobOutcome.Trained trained) {
      AdapterCandidate candidate = trained.job().candidate();
      return List.of(new ProducerRecord<>(candidatesTopic, candidate.getAdapterKey(), candidate));
    }
    if (outcome instanceof JobOutcome.Failed failed) {
      return givenUp(failed.record().value(), GiveUpOutcome.FAILED, null, failed.why());
    }
    if (outcome instanceof JobOutcome.Skipped skipped) {
      return givenUp(
          skipped.record().value(),
          GiveUpOutcome.SKIPPED,
          skipReason(skipped.reason()),
          skipped.why());
    }
    return List.of();
  }

  /** The record's symbol of {@code reason}: the same name (UNKNOWN for one the schema lacks). */
  static SkipReason skipReason(JobSkippedException.Reason reason) {
    for (SkipReason symbol : SkipReason.values()) {
      if (symbol.name().equals(reason.name())) {
        return symbol;
      }
    }
    return SkipReason.UNKNOWN;
  }

  /** The record of a job given up, keyed by its adapter key like its candidate would be. */
  private List<ProducerRecord<String, SpecificRecord>> givenUp(
      TrainingJob job, GiveUpOutcome outcome, SkipReason reason, String why) {
    String detail = why == null ? "" : why;
    JobGivenUp record =
        JobGivenUp.newBuilder()
            .setJobId(job.getJobId())
            .setTenant(job.getTenant())
            .setAdapterKey(job.getAdapterKey())
            .setTrigger(job.getTrigger())
            .setOutcome(outcome)
            .setSkipReason(reason)
            .setDetail(detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail)
            .setWorkerId(workerId)
            .setGivenUpAt(clock.instant())
            .build();
    return List.of(new ProducerRecord<>(outcomesTopic, job.getAdapterKey(), record));
  }

  /**
   * Deletes the weights of a trained job that yields no candidate (skipped because an erasure
   * rewrote a shard it read, or failed because Kafka refuses its candidate): no candidate names
   * them, so no erasure's purge would ever find them (the accumulator purges the candidates it
   * reads on {@code candidates.v1}). The blobs are {@link CandidateWeights}' (the folder index and
   * every file but {@code adapter_config.json}), less those the adapter training started from holds
   * (a carry-over copies its release's files); when that adapter's index cannot be read, nothing is
   * deleted. Done before the skip or failure commits: a worker that dies in between reads the job
   * again (whose shard is gone, or which it trains again).
   */
  private void deleteWeights(AdapterCandidate candidate) {
    Optional<Set<String>> kept = startBlobs(candidate);
    if (kept.isEmpty()) {
      return;
    }
    List<String> deleted = new ArrayList<>();
    for (String blob : CandidateWeights.of(candidate.getLocation(), candidate.getFileDigests())) {
      if (!kept.get().contains(blob) && store.delete(Digest.parse(blob))) {
        deleted.add(blob);
      }
    }
    log.info(
        "Deleted the weights of {}'s adapter, never a candidate: blobs {}",
        candidate.getJobId(),
        deleted);
  }

  /**
   * The blobs of the adapters training started from (a continued or carried-over release, a
   * distillation's teacher, an import), or empty when one's folder index cannot be read.
   */
  private Optional<Set<String>> startBlobs(AdapterCandidate candidate) {
    List<String> locations = new ArrayList<>();
    Lineage lineage = candidate.getLineage();
    if (lineage != null && lineage.getSourceRelease() != null) {
      locations.add(lineage.getSourceRelease().getLocation());
    }
    if (lineage != null && lineage.getTeacher() != null) {
      locations.add(lineage.getTeacher().getLocation());
    }
    if (candidate.getAdapterImport() != null) {
      locations.add(candidate.getAdapterImport().getLocation());
    }
    Set<String> blobs = new HashSet<>();
    for (String location : locations) {
      if (!location.startsWith(Digest.PREFIX)) {
        continue; // a folder of files, no blob
      }
      try {
        blobs.add(Digest.parse(location).hex());
        blobs.addAll(FolderIndex.files(store, location).values());
      } catch (ArtifactNotFoundException
          | CorruptArtifactException
          | InvalidFolderIndexException
          | IllegalArgumentException e) {
        log.warn(
            "Keeping the weights of {}'s adapter: the blobs of {}, which training started from,"
                + " cannot be told ({})",
            candidate.getJobId(),
            location,
            e.toString());
        return Optional.empty();
      }
    }
    return Optional.of(blobs);
  }

  private Optional<Digest> rewrittenShard(TrainedJob trained) {
    // isGone, not !exists: a store that holds nothing (not mounted) throws, and the loop stops
    return trained.shardsRead().stream().filter(store::isGone).findFirst();
  }
}
