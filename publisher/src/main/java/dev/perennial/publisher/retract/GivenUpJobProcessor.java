package dev.perennial.publisher.retract;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reacts to the jobs the trainer worker gave up ({@code job-outcomes.v1}: training failed on every
 * attempt, or the job was skipped). No retrained release and no verdict will come of such a job, so
 * a retraction that waits for an ERASURE job's replacement ({@link RetractionSchedule}) waits for
 * nothing: its releases are retracted at once, as the {@code immediate} policy and {@link
 * RetractionDeadlines} would, with the give-up's reason, and the schedule is removed once that is
 * committed (the next {@link RetractionDeadlines#next} finds it resolved).
 *
 * <p>The give-up may be read before the job: both are keyed by adapter key, but on two topics. Then
 * it is kept in the schedule ({@link RetractionSchedule#noteGivenUp}, durable before the give-up's
 * offset is committed, with an {@value AuditEvents#ERASURE_JOB_GIVEN_UP} audit event), and {@link
 * ErasureJobProcessor} retracts at once when it reads the job. Any other given-up job changes
 * nothing.
 *
 * <p>A give-up whose job id or worker id is no id ({@link RecordIds}) was not written by the
 * worker: audited as unreadable without that id, nothing is noted or retracted on its word (a
 * scheduled retraction is carried out at its deadline). Its free-text detail goes into reasons on
 * one bounded line ({@link GivenUpErasure}).
 */
public final class GivenUpJobProcessor {

  private final RetractionSchedule schedule;
  private final String actor;
  private final Clock clock;

  public GivenUpJobProcessor(RetractionSchedule schedule, String actor, Clock clock) {
    this.schedule = schedule;
    this.actor = actor;
    this.clock = clock;
  }

  public Decision process(ReleaseRegistry registry, JobGivenUp givenUp) {
    if (givenUp.getTrigger() != JobTrigger.ERASURE) {
      return Decision.ignored(givenUp.getAdapterKey());
    }
    AdapterKey key;
    try {
      key = AdapterKey.parse(givenUp.getAdapterKey());
    } catch (InvalidAdapterKeyException e) {
      return Decision.ignored(givenUp.getAdapterKey());
    }
    Instant now = clock.instant();
    Optional<String> badId =
        RecordIds.problem("job id", givenUp.getJobId())
            .or(() -> RecordIds.problem("worker id", givenUp.getWorkerId()));
    if (badId.isPresent()) {
      // not the worker's: nothing is noted or retracted on its word, the id is recorded nowhere
      return new Decision(
          Outcome.UNREADABLE,
          key.toString(),
          Optional.empty(),
          List.of(),
          List.of(
              AuditEvents.event(
                  AuditEvents.derivedId(givenUp.getJobId(), AuditEvents.RECORD_UNREADABLE),
                  key.toString(),
                  AuditStage.PUBLISHER,
                  AuditEvents.RECORD_UNREADABLE,
                  actor,
                  "ERASURE job give-up cannot be acted on: " + badId.get() + " (not shown)",
                  Map.of("jobId", RecordIds.shown(givenUp.getJobId())),
                  now)));
    }
    GivenUpErasure job = GivenUpErasure.of(key, givenUp, now);
    Optional<ScheduledRetraction> waiting = schedule.pending(key, givenUp.getJobId());
    if (waiting.isPresent()) {
      Decision retraction = retraction(registry.get(key), waiting.get(), job, actor, now);
      // nothing left to retract (done already): the schedule is resolved, the sweep removes it
      return retraction.releases().isEmpty() ? Decision.ignored(key.toString()) : retraction;
    }
    // not read yet (or decided without a wait): kept, durable before the offset is committed
    GivenUpErasure noted = schedule.noteGivenUp(job);
    Map<String, String> details = new TreeMap<>();
    details.put("jobId", noted.jobId());
    noted.describe(details);
    return new Decision(
        Outcome.NOTED,
        key.toString(),
        Optional.empty(),
        List.of(),
        List.of(
            AuditEvents.event(
                AuditEvents.derivedId(noted.jobId(), AuditEvents.ERASURE_JOB_GIVEN_UP),
                key.toString(),
                AuditStage.PUBLISHER,
                AuditEvents.ERASURE_JOB_GIVEN_UP,
                actor,
                "ERASURE job "
                    + noted.jobId()
                    + " was "
                    + noted.why()
                    + "; no retrained release will come, so a retraction that waits for one is"
                    + " carried out at once",
                details,
                now)));
  }

  /**
   * Retracts the releases a scheduled retraction names, now that its job was given up.
   *
   * @return a RETRACTED decision, without releases when none is left to retract
   */
  static Decision retraction(
      KeyState state,
      ScheduledRetraction scheduled,
      GivenUpErasure givenUp,
      String actor,
      Instant now) {
    Map<String, String> details = new TreeMap<>();
    givenUp.describe(details);
    return Retractions.withoutReplacement(
        state,
        scheduled,
        "the retrain (job "
            + scheduled.jobId()
            + ") was "
            + givenUp.why()
            + ", so it is retracted at once without a replacement",
        details,
        "given-up",
        actor,
        now);
  }
}
