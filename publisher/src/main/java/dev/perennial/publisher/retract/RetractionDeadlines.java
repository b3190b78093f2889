package dev.perennial.publisher.retract;

import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The end of a {@code replacement} wait. A retraction scheduled for an ERASURE job ({@link
 * ErasureJobProcessor}) is resolved when its releases are retracted, by the retrained release's
 * publication or at the retrain's verdict ({@link
 * dev.perennial.publisher.publish.VerdictProcessor}). When neither came within {@value
 * PublisherConfig#RETRACTION_MAX_WAIT_MS_CONFIG} (no worker runs, or one gave the job up without a
 * {@code job-outcomes.v1} record: no verdict ever comes), the releases are retracted without a
 * replacement, as the {@code immediate} policy would have, and their weights purged once that
 * commits.
 *
 * <p>When the worker gives the job up, the wait ends at once ({@link GivenUpJobProcessor}); the
 * schedule is then resolved and removed here like any other. A give-up kept because its job had not
 * been read yet is removed with the job's schedule, or, when no schedule came of it (the job was
 * decided without a wait, or its wait ended, before the give-up was read), once it has been kept
 * for the max wait: the publisher reads both topics in one consumer, so its job has long been read
 * by then, and should it come later still, it waits no longer than it would have without the
 * give-up.
 *
 * <p>An ERASURE job read while its key was quarantined is kept here too ({@link
 * ErasureJobProcessor#hold}): under the {@code replacement} policy it waits as above; otherwise
 * ({@link ScheduledRetraction#held}) it is due at once, as soon as the key is not quarantined.
 *
 * <p>Decides only: the caller commits the decision and applies its state; the next call then finds
 * the schedule resolved and removes it. Nothing is decided for a quarantined key, whose state is
 * not known: its schedule waits.
 */
public final class RetractionDeadlines {

  private final RetractionSchedule schedule;
  private final Duration maxWait;
  private final String actor;
  private final Clock clock;

  public RetractionDeadlines(
      RetractionSchedule schedule, Duration maxWait, String actor, Clock clock) {
    this.schedule = schedule;
    this.maxWait = maxWait;
    this.actor = actor;
    this.clock = clock;
  }

  /**
   * Removes the schedules that are resolved, and returns the retraction of the first one whose wait
   * is over; empty when none is.
   *
   * @param quarantined whether a key (as records name it) is quarantined
   */
  public Optional<Decision> next(ReleaseRegistry registry, Predicate<String> quarantined) {
    Instant now = clock.instant();
    for (GivenUpErasure givenUp : schedule.givenUp()) {
      if (schedule.pending(givenUp.key(), givenUp.jobId()).isEmpty()
          && !now.isBefore(givenUp.notedAt().plus(maxWait))) {
        schedule.forget(givenUp);
      }
    }
    for (ScheduledRetraction scheduled : schedule.pending()) {
      if (quarantined.test(scheduled.key().toString())) {
        continue;
      }
      KeyState state = registry.get(scheduled.key());
      if (scheduled.versions().stream()
          .allMatch(version -> !state.wasAnnounced(version) || state.isRetracted(version))) {
        schedule.remove(scheduled);
        continue;
      }
      if (now.isBefore(deadline(scheduled))) {
        continue;
      }
      return Optional.of(retraction(state, scheduled, now));
    }
    return Optional.empty();
  }

  /** When the wait of {@code scheduled} is over (with the max wait configured now). */
  public Instant deadline(ScheduledRetraction scheduled) {
    return scheduled.held() ? scheduled.scheduledAt() : scheduled.scheduledAt().plus(maxWait);
  }

  private Decision retraction(KeyState state, ScheduledRetraction scheduled, Instant now) {
    if (scheduled.held()) {
      return Retractions.withoutReplacement(
          state,
          scheduled,
          "its ERASURE job "
              + scheduled.jobId()
              + " was read while the key was quarantined, so it is retracted once the key's state"
              + " is known again",
          Map.of("heldWhileQuarantined", "true"),
          "held",
          actor,
          now);
    }
    return Retractions.withoutReplacement(
        state,
        scheduled,
        "no retrained release of job "
            + scheduled.jobId()
            + " was published or decided within "
            + maxWait
            + " ("
            + PublisherConfig.RETRACTION_MAX_WAIT_MS_CONFIG
            + "), so it is retracted without a replacement",
        Map.of("maxWait", maxWait.toString()),
        "max-wait",
        actor,
        now);
  }
}
