package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.v1.RebaseDetails;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerEvent.CandidateArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.JobGivenUp;
import dev.perennial.trainer.accumulate.TrainerEvent.RebaseRefused;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.rebase.BaseSuccessions;
import dev.perennial.trainer.shard.ShardSplit;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accumulator's REBASE jobs: planning them when a base is announced or a key's releases change,
 * following their verdicts (a refused carry-over is distilled; a refused distillation and an
 * undecided candidate are recorded), and re-basing a key again when its held-out pool has grown,
 * when the base is announced again, or when the old base gets a newer release than the one moved.
 * Every mark lives in the job store with the rest of the accumulator's state. Only the successions
 * {@link BaseSuccessions} follows are re-based along: never round a cycle of announcements.
 */
final class Rebases {

  private static final Logger log = LoggerFactory.getLogger(Rebases.class);

  private final AccumulatorStores state;
  private final double retryGrowth;
  private final Counter rebaseJobs;
  private final Consumer<Record<String, TrainingJob>> emit;

  /**
   * @param retryGrowth how many times the held-out shards an undecided REBASE job was judged on the
   *     key's pool must hold before the job is tried again
   * @param rebaseJobs counts the REBASE jobs emitted
   * @param emit where the jobs go ({@code training-jobs.v1})
   */
  Rebases(
      AccumulatorStores state,
      double retryGrowth,
      Counter rebaseJobs,
      Consumer<Record<String, TrainingJob>> emit) {
    this.state = state;
    this.retryGrowth = retryGrowth;
    this.rebaseJobs = rebaseJobs;
    this.emit = emit;
  }

  /**
   * One REBASE job per announced successor of a base the key has a stable release on (not one that
   * holds erased data: the release of its retraining moves instead); one more when the key's last
   * REBASE job onto that base was undecided and the key's held-out pool has grown enough since (the
   * same method, from the key's stable release as it is then); one more, carrying over first again,
   * when the base was announced again after the key's last try was refused, undecided or given up
   * by the worker; and one more whenever the old base's stable release is newer than the release
   * the last REBASE job moved (the key kept learning on the old base, or an erasure's retraining
   * replaced its release there), once that job is decided or given up.
   *
   * <p>A job the worker gave up on is never planned again by itself (nor distilled, as a refused
   * carry-over is): what made the worker give up (its shards, the old base's tokenizer files, the
   * training failing on every attempt) would most likely make the next try give up too, so only an
   * announcement or a newer release, which change what the job is planned from, re-base the key.
   */
  void plan(KeyStables stables, long timestamp) {
    String adapterKey = stables.adapterKey();
    for (BaseAnnouncement base : BaseSuccessions.followed(state.announcedBases())) {
      BaseRef from = base.getSucceeds();
      Optional<StableOnBase> source = stables.on(from.getDigest());
      if (source.isEmpty() || holdsErasedData(adapterKey, source.get())) {
        // an erased release waits for its retraining's release (or its retraction's fallback)
        continue;
      }
      Optional<StableOnBase> onNew = stables.on(base.getDigest());
      Optional<JobEntry> last = lastRebase(adapterKey, base.getDigest());
      if (last.isEmpty()) {
        // a key never re-based that has a newer release on the new base (an import) lives there
        if (onNew.isEmpty() || onNew.get().version() < source.get().version()) {
          emitRebaseJob(adapterKey, base, source.get(), false, timestamp);
        }
      } else if (last.get().movedOlderThan(source.get().version())
          && isSettled(adapterKey, last.get())) {
        log.info(
            "v{} of {} on {} is newer than the v{} its REBASE job {} moved: re-basing it onto {}"
                + " again",
            source.get().version(),
            adapterKey,
            from.getName(),
            last.get().sourceVersion(),
            last.get().jobId(),
            base.getName());
        emitRebaseJob(adapterKey, base, source.get(), false, timestamp);
      } else if (onNew.isPresent() && onNew.get().version() > source.get().version()) {
        // the key is on the new base with what its last REBASE job moved (and later training);
        // a move that lags the old base (refused or undecided) falls through to be tried again
        continue;
      } else if (last.get().plannedBefore(base.getAnnouncedAt().toEpochMilli())
          && (last.get().refused() || last.get().undecided() || last.get().givenUp())) {
        log.info(
            "{} was announced again after REBASE job {} of {} was {}: re-basing the key again",
            base.getName(),
            last.get().jobId(),
            adapterKey,
            last.get().refused()
                ? "refused"
                : last.get().undecided() ? "undecided" : "given up by the worker");
        emitRebaseJob(adapterKey, base, source.get(), false, timestamp);
      } else if (last.get().undecided() && heldOutGrew(adapterKey, last.get())) {
        log.info(
            "REBASE job {} of {} was undecided and the key's held-out pool has grown since:"
                + " re-basing it onto {} again",
            last.get().jobId(),
            adapterKey,
            base.getName());
        emitRebaseJob(adapterKey, base, source.get(), last.get().distil(), timestamp);
      }
    }
  }

  /**
   * The release a REBASE job's candidate moved, which the worker took as the old base's stable
   * release when it trained: a newer one than the job was planned from is moved already.
   */
  void onCandidate(CandidateArrived candidate) {
    state
        .storedJob(candidate.adapterKey(), candidate.jobId())
        .filter(entry -> entry.value.trigger() == JobTrigger.REBASE)
        .filter(entry -> !candidate.movedVersion().equals(entry.value.sourceVersion()))
        .ifPresent(entry -> state.putJob(entry.key, entry.value.moving(candidate.movedVersion())));
  }

  /**
   * The worker gave a job up: the job is marked (a REBASE job is settled by it, so an announcement
   * or a newer release on the old base re-bases the key); nothing is planned at once.
   */
  void onGivenUp(JobGivenUp givenUp) {
    String adapterKey = givenUp.adapterKey();
    KeyValue<String, JobEntry> entry = state.storedJob(adapterKey, givenUp.jobId()).orElse(null);
    if (entry == null) {
      log.warn(
          "The worker gave up job {} of {} ({}), which is no job of the key",
          givenUp.jobId(),
          adapterKey,
          givenUp.outcome());
      return;
    }
    if (entry.value.givenUp()) {
      return; // told again (a record read twice)
    }
    state.putJob(entry.key, entry.value.foundGivenUp());
    if (entry.value.trigger() == JobTrigger.REBASE) {
      log.warn(
          "The worker gave up REBASE job {} of {} ({}): the key stays on its old base until the"
              + " base is announced again or the old base has a newer release",
          givenUp.jobId(),
          adapterKey,
          givenUp.outcome());
    } else {
      log.info(
          "The worker gave up job {} of {} ({})", givenUp.jobId(), adapterKey, givenUp.outcome());
    }
  }

  /**
   * Whether a REBASE job is done with: its candidate released, refused or undecided, or the job
   * given up by the worker (no candidate will come); not while it trains or is evaluated.
   */
  private boolean isSettled(String adapterKey, JobEntry job) {
    String candidateId = JobIds.candidateId(job.jobId());
    return job.refused()
        || job.undecided()
        || job.givenUp()
        || state.releases(adapterKey).stream().anyMatch(r -> r.candidateId().equals(candidateId));
  }

  /**
   * Whether the release was trained on data an erasure removed (or on top of such a release): it is
   * to be retracted once its ERASURE job's retraining is released, and neither moves nor teaches.
   */
  private boolean holdsErasedData(String adapterKey, StableOnBase release) {
    ReleaseEntry known = state.release(adapterKey, release.version());
    return known != null && known.erasedBy() != null;
  }

  /** The key's latest REBASE job onto the base, if any. */
  private Optional<JobEntry> lastRebase(String adapterKey, String baseDigest) {
    String target = StableRelease.normalized(baseDigest);
    JobEntry last = null;
    for (KeyValue<String, JobEntry> job : state.jobs(adapterKey)) {
      if (job.value.trigger() == JobTrigger.REBASE && target.equals(job.value.rebaseTo())) {
        last = job.value;
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * Whether the key's held-out pool holds a shard the job was not judged on and, in all, at least
   * {@code rebase.retry.growth} times the shards it was: the gates' intervals narrow with the
   * square root of the pool, so a try after every new shard would mostly repeat the last verdict.
   */
  private boolean heldOutGrew(String adapterKey, JobEntry job) {
    List<ShardEntry> pool = state.currentShards(adapterKey, ShardSplit.HELD_OUT);
    boolean unseen = pool.stream().anyMatch(shard -> !job.heldOutShards().contains(shard.digest()));
    return unseen && pool.size() >= retryGrowth * job.heldOutShards().size();
  }

  /**
   * The candidate of a REBASE job was refused. A carried-over one is distilled onto the job's base
   * instead, from the key's stable release on the base that one succeeds (as it is now), once per
   * refused carry-over (a key that moved already can be refused again when a newer release of the
   * old base follows it); a refused distillation waits for the base to be announced again.
   */
  void onRefused(RebaseRefused refused, long timestamp) {
    String adapterKey = refused.adapterKey();
    KeyValue<String, JobEntry> entry = state.storedJob(adapterKey, refused.jobId()).orElse(null);
    if (entry == null || entry.value.trigger() != JobTrigger.REBASE) {
      log.warn(
          "REBASE candidate {} of {} was refused, but its job {} is no REBASE job of the key",
          refused.candidateId(),
          adapterKey,
          refused.jobId());
      return;
    }
    if (entry.value.refused()) {
      // told again (a verdict read twice): its distillation, if any, is planned already
      return;
    }
    JobEntry job = entry.value.foundRefused();
    state.putJob(entry.key, job);
    if (job.distil()) {
      log.warn(
          "Distilled candidate {} of {} was refused: the key stays on its release of the old base"
              + " until the new base is announced again (perennial bases announce)",
          refused.candidateId(),
          adapterKey);
      return;
    }
    BaseAnnouncement base =
        BaseSuccessions.followed(state.announcedBases()).stream()
            .filter(b -> StableRelease.normalized(b.getDigest()).equals(job.rebaseTo()))
            .findFirst()
            .orElse(null);
    if (base == null || base.getSucceeds() == null) {
      return;
    }
    Optional<StableOnBase> source = state.stables(adapterKey).on(base.getSucceeds().getDigest());
    if (source.isEmpty()) {
      log.warn(
          "Carried-over candidate {} of {} was refused; no stable release on {} is left to distil"
              + " from",
          refused.candidateId(),
          adapterKey,
          base.getSucceeds().getName());
      return;
    }
    if (holdsErasedData(adapterKey, source.get())) {
      log.info(
          "Carried-over candidate {} of {} was refused; v{} on {} holds erased data, so nothing is"
              + " distilled from it: the release of its retraining is re-based instead",
          refused.candidateId(),
          adapterKey,
          source.get().version(),
          base.getSucceeds().getName());
      return;
    }
    log.info(
        "Carried-over candidate {} of {} was refused: distilling it onto {} instead",
        refused.candidateId(),
        adapterKey,
        base.getName());
    // the distillation belongs to the carry-over's announcement, even if the base was announced
    // again while that was in flight: the newer announcement retries the key once it is refused
    long round =
        job.announcedAt() != null ? job.announcedAt() : base.getAnnouncedAt().toEpochMilli();
    emitRebaseJob(adapterKey, base, source.get(), true, round, timestamp);
  }

  /** A job moving the key's stable release onto the announced base, over all its shards. */
  private void emitRebaseJob(
      String adapterKey,
      BaseAnnouncement base,
      StableOnBase source,
      boolean distil,
      long timestamp) {
    emitRebaseJob(
        adapterKey, base, source, distil, base.getAnnouncedAt().toEpochMilli(), timestamp);
  }

  /**
   * @param announcedAt the announcement of the base the job answers (epoch millis)
   */
  private void emitRebaseJob(
      String adapterKey,
      BaseAnnouncement base,
      StableOnBase source,
      boolean distil,
      long announcedAt,
      long timestamp) {
    List<ShardEntry> train = state.currentShards(adapterKey, ShardSplit.TRAIN);
    List<ShardEntry> heldOut = state.currentShards(adapterKey, ShardSplit.HELD_OUT);
    String target = StableRelease.normalized(base.getDigest());
    KeyAccumulation accumulation = state.accumulation(adapterKey);
    long jobSeq = accumulation.nextJobSeq();
    List<String> parts = new ArrayList<>(List.of(target, Integer.toString(source.version())));
    if (distil) {
      parts.add("distil");
    }
    train.forEach(entry -> parts.add(entry.digest()));
    String jobId = JobIds.jobId(adapterKey, jobSeq, JobTrigger.REBASE.name(), parts);
    state.putJob(
        adapterKey,
        jobSeq,
        JobEntry.rebase(
            jobId,
            train.stream().map(ShardEntry::digest).toList(),
            heldOut.stream().map(ShardEntry::digest).toList(),
            target,
            distil,
            announcedAt,
            source.version()));
    state.putAccumulation(accumulation.withNextJobSeq(jobSeq + 1));
    BaseRef from = base.getSucceeds();
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId(jobId)
            .setAdapterKey(adapterKey)
            .setTenant(AdapterKey.tenantOf(adapterKey).orElseThrow())
            .setTrigger(JobTrigger.REBASE)
            .setShards(train.stream().map(ShardEntry::toShardRef).toList())
            .setHeldOutShards(heldOut.stream().map(ShardEntry::toShardRef).toList())
            .setReplayShards(List.of())
            .setHeldOutPool(heldOut.stream().map(ShardEntry::toShardRef).toList())
            .setRebase(
                RebaseDetails.newBuilder()
                    .setFromBase(from)
                    .setToBase(new BaseRef(base.getName(), base.getDigest(), base.getLocation()))
                    .setSourceRelease(
                        LineageRelease.newBuilder()
                            .setVersion(source.version())
                            .setLocation(source.location())
                            .setManifestDigest(source.manifestDigest())
                            .setBaseModelName(from.getName())
                            .setBaseModelDigest(source.baseDigest())
                            .setBaseModelLocation(from.getLocation())
                            .build())
                    .setDistil(distil)
                    .build())
            .setCreatedAt(Instant.ofEpochMilli(timestamp))
            .build();
    rebaseJobs.increment();
    log.info(
        "Emitted REBASE job {}{}: v{} of {} from {} onto {}, over {} training and {} held-out"
            + " shards",
        jobId,
        distil ? " (distil)" : "",
        source.version(),
        adapterKey,
        from.getName(),
        base.getName(),
        train.size(),
        heldOut.size());
    emit.accept(new Record<>(adapterKey, job, timestamp));
  }
}
