package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.trainer.accumulate.JobEntry.Rollover;
import dev.perennial.trainer.accumulate.TrainerEvent.InsufficientEvidence;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job whose candidate had insufficient evidence rolls its data (training and held-out shards, as
 * they are now: an erasure's rewrites included) into the key's next job, exactly once: the verdict
 * marks the job ({@link Rollover}, pending), the next seal carries every pending job and marks it
 * carried into the new one. Both marks live in the job store with the rest of the accumulator's
 * state, so a restart neither loses nor repeats them. An ERASURE job sealed after the job already
 * holds all of the key's data, so the job counts as carried into it. A REBASE job already held the
 * key's whole pool: nothing rolls, the job is marked undecided and the accumulator plans the rebase
 * again once the pool has grown.
 */
final class Rollovers {

  private static final Logger log = LoggerFactory.getLogger(Rollovers.class);

  private final AccumulatorStores state;

  Rollovers(AccumulatorStores state) {
    this.state = state;
  }

  /** Marks the verdict's job for the key's next job; a verdict seen before changes nothing. */
  void onInsufficientEvidence(InsufficientEvidence verdict) {
    List<KeyValue<String, JobEntry>> jobs = state.jobs(verdict.adapterKey());
    int index = indexOf(jobs, verdict.jobId());
    if (index < 0) {
      log.warn(
          "Insufficient evidence for candidate {} of unknown job {} of {}; nothing to carry",
          verdict.candidateId(),
          verdict.jobId(),
          verdict.adapterKey());
      return;
    }
    JobEntry job = jobs.get(index).value;
    if (released(verdict)) {
      log.warn(
          "Insufficient evidence for candidate {} of {}, which is released already (a verdict on"
              + " its candidate read again); its data stays where it is",
          verdict.candidateId(),
          verdict.adapterKey());
      return;
    }
    if (job.rollover() != null) {
      log.debug("Job {} already rolls over ({})", job.jobId(), job.rollover());
      return;
    }
    if (job.trigger() == JobTrigger.REBASE) {
      state.putJob(jobs.get(index).key, job.foundUndecided());
      log.info(
          "Candidate {} of REBASE job {} had insufficient evidence: {} stays on its old base and is"
              + " re-based again once its held-out pool has grown",
          verdict.candidateId(),
          job.jobId(),
          verdict.adapterKey());
      return;
    }
    if (job.trigger() == JobTrigger.ERASURE) {
      log.warn(
          "Insufficient evidence for {} job {}: it holds all of {}'s data, nothing to carry",
          job.trigger(),
          job.jobId(),
          verdict.adapterKey());
      return;
    }
    String into = laterErasureJob(jobs, index);
    state.putJob(jobs.get(index).key, job.rolledOver(new Rollover(verdict.candidateId(), into)));
    log.info(
        "Candidate {} had insufficient evidence: the data of job {} rolls into {}",
        verdict.candidateId(),
        job.jobId(),
        into == null ? "the next job of " + verdict.adapterKey() : "ERASURE job " + into);
  }

  private boolean released(InsufficientEvidence verdict) {
    return state.releases(verdict.adapterKey()).stream()
        .anyMatch(release -> verdict.candidateId().equals(release.candidateId()));
  }

  /** The key's jobs whose data its next job carries, oldest first. */
  List<KeyValue<String, JobEntry>> pending(String adapterKey) {
    List<KeyValue<String, JobEntry>> pending = new ArrayList<>();
    for (KeyValue<String, JobEntry> job : state.jobs(adapterKey)) {
      if (job.value.rollover() != null && job.value.rollover().isPending()) {
        pending.add(job);
      }
    }
    return pending;
  }

  /** Every job the carried jobs carried, then the carried jobs themselves: the ids to record. */
  static List<String> carriedIds(List<KeyValue<String, JobEntry>> carried) {
    Set<String> ids = new LinkedHashSet<>();
    for (KeyValue<String, JobEntry> job : carried) {
      ids.addAll(job.value.carriedJobs());
      ids.add(job.value.jobId());
    }
    return List.copyOf(ids);
  }

  /** Marks the jobs as carried into {@code jobId}. */
  void carriedInto(List<KeyValue<String, JobEntry>> carried, String jobId) {
    for (KeyValue<String, JobEntry> job : carried) {
      Rollover rollover = job.value.rollover();
      state.putJob(job.key, job.value.rolledOver(new Rollover(rollover.candidateId(), jobId)));
    }
  }

  private static int indexOf(List<KeyValue<String, JobEntry>> jobs, String jobId) {
    for (int i = 0; i < jobs.size(); i++) {
      if (jobs.get(i).value.jobId().equals(jobId)) {
        return i;
      }
    }
    return -1;
  }

  private static String laterErasureJob(List<KeyValue<String, JobEntry>> jobs, int index) {
    for (int i = index + 1; i < jobs.size(); i++) {
      if (jobs.get(i).value.trigger() == JobTrigger.ERASURE) {
        return jobs.get(i).value.jobId();
      }
    }
    return null;
  }
}
