package dev.perennial.trainer.worker;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.kafka.TransactionalCommitter;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.TrainingJob;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a job's outcome (its candidate, or nothing) together with the job's offset in one
 * transaction, on the worker loop's thread. An outcome whose transaction aborts, whatever it is, is
 * held ({@link PendingCommit}) and committed again after a pause: the job is never read and trained
 * again (a failed job would otherwise be trained {@code worker.job.attempts} more times). A trained
 * job one of whose shards an erasure rewrote meanwhile is skipped instead. Nothing is committed for
 * a partition that moved to another worker.
 */
final class JobCommits {

  private static final Logger log = LoggerFactory.getLogger(JobCommits.class);

  private final TransactionalCommitter<String, AdapterCandidate> committer;
  private final Consumer<String, TrainingJob> consumer;
  private final ArtifactStore store;
  private final String candidatesTopic;
  private final PendingCommit pending;

  JobCommits(
      TransactionalCommitter<String, AdapterCandidate> committer,
      Consumer<String, TrainingJob> consumer,
      ArtifactStore store,
      String candidatesTopic,
      PendingCommit pending) {
    this.committer = committer;
    this.consumer = consumer;
    this.store = store;
    this.candidatesTopic = candidatesTopic;
    this.pending = pending;
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
                + record.value().getJobId()
                + " trained";
        JobOutcome.Skipped skipped =
            new JobOutcome.Skipped(record, JobSkippedException.Reason.SHARD_GONE, why);
        log.warn("Skipping job {} ({}): {}", record.value().getJobId(), skipped.reason(), why);
        return commit(skipped);
      }
    }
    if (committer.commit(outputs(outcome), List.of(record))) {
      pending.clear();
      return Optional.of(outcome);
    }
    PendingCommit.Held held = pending.hold(outcome);
    log.warn(
        "The transaction of {} aborted; retry {} in {} ms, without training the job again",
        outcome.describe(),
        held.failures(),
        held.pause().toMillis());
    return Optional.empty();
  }

  /** Commits the held outcome again once its pause is over; what was committed, or empty. */
  Optional<JobOutcome> retryDue() {
    return pending.takeDue().flatMap(held -> commit(held.outcome()));
  }

  private List<ProducerRecord<String, AdapterCandidate>> outputs(JobOutcome outcome) {
    if (outcome instanceof JobOutcome.Trained trained) {
      AdapterCandidate candidate = trained.job().candidate();
      return List.of(new ProducerRecord<>(candidatesTopic, candidate.getAdapterKey(), candidate));
    }
    return List.of();
  }

  private Optional<Digest> rewrittenShard(TrainedJob trained) {
    return trained.shardsRead().stream().filter(shard -> !store.exists(shard)).findFirst();
  }
}
