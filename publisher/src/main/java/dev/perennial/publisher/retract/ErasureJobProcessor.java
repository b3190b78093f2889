package dev.perennial.publisher.retract;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.TrainingJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reacts to ERASURE training jobs ({@code training-jobs.v1}), which name the releases of a key that
 * were trained on an erased subject's data. Under the tenant's {@code immediate} retraction policy
 * those releases are retracted at once; under {@code replacement} the wait for the retrained
 * release is kept in the {@link RetractionSchedule} (before its audit event is committed) and the
 * retraction happens when that release is published or refused ({@link
 * dev.perennial.publisher.publish.VerdictProcessor}), or when the wait is over ({@link
 * RetractionDeadlines}), or at once when the worker gives the job up ({@link GivenUpJobProcessor}):
 * when that give-up was read before the job, what the job names is retracted here at once. Other
 * jobs are not the publisher's business. A version {@code releases.v1} announced is retracted even
 * when its folder could not be read at start ({@link Retractions#retract}): only a version above
 * the key's latest one is taken as never published. A job read while its key is quarantined is kept
 * instead ({@link #hold}), never skipped.
 *
 * <p>A job whose job id or erasure request id is no id ({@link RecordIds}: a line break, an
 * unbounded string) was not written by the accumulator: it is audited as unreadable (counted and
 * logged as such) without that id, and nothing is retracted or scheduled on its word, since the ids
 * would go into release reasons, retraction files, audit events and log lines.
 */
public final class ErasureJobProcessor {

  private final Function<String, TenantPolicy> policies;
  private final RetractionSchedule schedule;
  private final Duration maxWait;
  private final String actor;
  private final Clock clock;

  /**
   * @param schedule where a retraction that waits for its replacement is kept
   * @param maxWait how long it waits at most ({@link RetractionDeadlines})
   */
  public ErasureJobProcessor(
      Function<String, TenantPolicy> policies,
      RetractionSchedule schedule,
      Duration maxWait,
      String actor,
      Clock clock) {
    this.policies = policies;
    this.schedule = schedule;
    this.maxWait = maxWait;
    this.actor = actor;
    this.clock = clock;
  }

  /**
   * Keeps an ERASURE job read while its key is quarantined, instead of deciding on a state that is
   * not known: in the {@link RetractionSchedule}, durable before the caller commits the job's
   * offset. Under {@code replacement} (with data left to retrain on, and not given up) it waits for
   * the retrained release as {@link #process} would have it wait; otherwise it is {@link
   * ScheduledRetraction#held held} and retracted as soon as the key is no longer quarantined
   * ({@link RetractionDeadlines}), after a restart too.
   *
   * @return what is kept; empty for a record {@link #process} acts on neither
   * @throws dev.perennial.publisher.PublisherException when the schedule cannot be written
   */
  public Optional<ScheduledRetraction> hold(TrainingJob job) {
    if (!namesReleases(job) || badId(job).isPresent()) {
      return Optional.empty();
    }
    AdapterKey key;
    try {
      key = AdapterKey.parse(job.getAdapterKey());
    } catch (InvalidAdapterKeyException e) {
      return Optional.empty();
    }
    boolean waitsForReplacement =
        policies.apply(key.tenant()).retraction() == RetractionPolicy.REPLACEMENT
            && !job.getShards().isEmpty()
            && schedule.givenUp(key, job.getJobId()).isEmpty();
    return Optional.of(
        schedule.add(
            new ScheduledRetraction(
                key,
                job.getJobId(),
                job.getErasure().getRequestId(),
                job.getErasure().getAffectedVersions(),
                clock.instant(),
                !waitsForReplacement)));
  }

  private static boolean namesReleases(TrainingJob job) {
    return job.getTrigger() == JobTrigger.ERASURE
        && job.getErasure() != null
        && !job.getErasure().getAffectedVersions().isEmpty();
  }

  private static Optional<String> badId(TrainingJob job) {
    return RecordIds.problem("job id", job.getJobId())
        .or(() -> RecordIds.problem("erasure request id", job.getErasure().getRequestId()));
  }

  public Decision process(ReleaseRegistry registry, TrainingJob job) {
    if (!namesReleases(job)) {
      return Decision.ignored(job.getAdapterKey());
    }
    ErasureDetails erasure = job.getErasure();
    Instant now = clock.instant();
    Map<String, String> details = new TreeMap<>();
    details.put("jobId", RecordIds.shown(job.getJobId()));
    details.put("erasureRequestId", RecordIds.shown(erasure.getRequestId()));
    details.put("affectedVersions", erasure.getAffectedVersions().toString());
    Optional<String> badId = badId(job);
    if (badId.isPresent()) {
      return unreadable(job, badId.get() + " (not shown)", details, now);
    }
    AdapterKey key;
    try {
      key = AdapterKey.parse(job.getAdapterKey());
    } catch (InvalidAdapterKeyException e) {
      return unreadable(job, e.getMessage(), details, now);
    }
    KeyState state = registry.get(key);
    RetractionPolicy policy = policies.apply(key.tenant()).retraction();
    boolean nothingToRetrain = job.getShards().isEmpty();
    if (policy == RetractionPolicy.REPLACEMENT && !nothingToRetrain) {
      // durable before the audit event and the job's offset are committed
      ScheduledRetraction scheduled =
          schedule.add(
              new ScheduledRetraction(
                  key, job.getJobId(), erasure.getRequestId(), erasure.getAffectedVersions(), now));
      Optional<GivenUpErasure> givenUp = schedule.givenUp(key, job.getJobId());
      if (givenUp.isPresent()) {
        // the worker gave the job up before it was read here: no replacement will come
        Decision retraction =
            GivenUpJobProcessor.retraction(state, scheduled, givenUp.get(), actor, now);
        if (!retraction.releases().isEmpty()) {
          return retraction;
        }
        // nothing left to retract: noted below (the schedule is resolved, the sweep removes it)
      } else {
        Instant retractBy = scheduled.scheduledAt().plus(maxWait);
        details.put("retractBy", retractBy.toString());
        return new Decision(
            Outcome.RETRACTION_SCHEDULED,
            job.getAdapterKey(),
            Optional.empty(),
            List.of(),
            List.of(
                AuditEvents.event(
                    AuditEvents.derivedId(job.getJobId(), AuditEvents.RETRACTION_SCHEDULED),
                    job.getAdapterKey(),
                    AuditStage.PUBLISHER,
                    AuditEvents.RETRACTION_SCHEDULED,
                    actor,
                    "erasure request "
                        + erasure.getRequestId()
                        + " affects "
                        + erasure.getAffectedVersions()
                        + "; retracted once the retrained release of job "
                        + job.getJobId()
                        + " is published (tenant policy: replacement), or without a replacement"
                        + " when none is published or decided by "
                        + retractBy,
                    details,
                    now)));
      }
    }
    Retractions.Result result =
        Retractions.retract(
            state,
            erasure.getAffectedVersions(),
            "trained on data erased by request "
                + erasure.getRequestId()
                + (nothingToRetrain
                    ? "; retracted at once (no data left to retrain on)"
                    : "; retracted at once (tenant policy: immediate)"),
            details,
            job.getJobId(),
            actor,
            now);
    if (result.retracted().isEmpty()) {
      details.put("alreadyRetracted", result.alreadyRetracted().toString());
      details.put("neverPublished", result.unknown().toString());
      return new Decision(
          Outcome.NOTED,
          job.getAdapterKey(),
          Optional.empty(),
          List.of(),
          List.of(
              AuditEvents.event(
                  AuditEvents.derivedId(job.getJobId(), AuditEvents.ERASURE_NOTED),
                  job.getAdapterKey(),
                  AuditStage.PUBLISHER,
                  AuditEvents.ERASURE_NOTED,
                  actor,
                  "erasure request "
                      + erasure.getRequestId()
                      + " names no published release that is not retracted already",
                  details,
                  now)));
    }
    return new Decision(
        Outcome.RETRACTED,
        job.getAdapterKey(),
        Optional.of(result.state()),
        result.releases(),
        result.audits());
  }

  private Decision unreadable(
      TrainingJob job, String problem, Map<String, String> details, Instant now) {
    return new Decision(
        Outcome.UNREADABLE,
        job.getAdapterKey(),
        Optional.empty(),
        List.of(),
        List.of(
            AuditEvents.event(
                AuditEvents.derivedId(job.getJobId(), AuditEvents.RECORD_UNREADABLE),
                job.getAdapterKey(),
                AuditStage.PUBLISHER,
                AuditEvents.RECORD_UNREADABLE,
                actor,
                "ERASURE job cannot be acted on: " + problem,
                details,
                now)));
  }
}
