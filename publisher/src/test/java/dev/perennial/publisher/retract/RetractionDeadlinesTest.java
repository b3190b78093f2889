package dev.perennial.publisher.retract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.TrainingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the {@code replacement} policy a retraction waits for the ERASURE job's retrained release;
 * when none is published or decided (the worker failed, skipped the job, or does not run), the wait
 * ends after {@code perennial.publisher.retraction.replacement.max.wait.ms}.
 */
class RetractionDeadlinesTest {

  private static final TenantPolicy REPLACEMENT =
      new TenantPolicy(true, RetractionPolicy.REPLACEMENT);
  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final Duration MAX_WAIT = Duration.ofHours(24);

  @TempDir Path area;

  private final ReleaseRegistry registry =
      ReleaseRegistry.empty().with(ReleaseStates.published(KEY, 2, REPLACEMENT));

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  /** A publisher's processors over the release area, as a (re)started one builds them. */
  private RetractionSchedule loadedSchedule() {
    RetractionSchedule schedule = new RetractionSchedule(area);
    schedule.load();
    return schedule;
  }

  private Decision schedule(RetractionSchedule schedule, Instant at) {
    return new ErasureJobProcessor(
            tenant -> REPLACEMENT, schedule, MAX_WAIT, "test-publisher", at(at))
        .process(registry, TestVerdicts.erasureJob("acme/support", "job-9", List.of(2)));
  }

  private static Optional<Decision> next(
      RetractionSchedule schedule, ReleaseRegistry registry, Instant at) {
    return new RetractionDeadlines(schedule, MAX_WAIT, "test-publisher", at(at))
        .next(registry, key -> false);
  }

  @Test
  void releasesWaitingForAReplacementThatNeverComesAreRetractedOnceTheMaxWaitIsOver() {
    RetractionSchedule schedule = loadedSchedule();
    Decision scheduled = schedule(schedule, TestVerdicts.AT);
    assertThat(scheduled.outcome()).isEqualTo(Outcome.RETRACTION_SCHEDULED);
    assertThat(scheduled.audits().get(0).getDetails())
        .containsEntry("retractBy", TestVerdicts.AT.plus(MAX_WAIT).toString());

    assertThat(next(schedule, registry, TestVerdicts.AT.plus(MAX_WAIT).minusSeconds(1))).isEmpty();
    Decision overdue = next(schedule, registry, TestVerdicts.AT.plus(MAX_WAIT)).orElseThrow();

    assertThat(overdue.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(overdue.releases())
        .extracting(AdapterRelease::getVersion, AdapterRelease::getAction)
        .containsExactly(tuple(2, ReleaseAction.RETRACTED));
    assertThat(overdue.releases().get(0).getAliases())
        .containsExactlyEntriesOf(Map.of("stable", 1));
    assertThat(overdue.state().orElseThrow().isRetracted(2)).isTrue();
    assertThat(overdue.audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAction()).isEqualTo(AuditEvents.RELEASE_RETRACTED);
              assertThat(audit.getDetails())
                  .containsEntry("jobId", "job-9")
                  .containsEntry("erasureRequestId", "erase-job-9")
                  .containsEntry("scheduledAt", TestVerdicts.AT.toString())
                  .containsEntry("weightsPurged", "adapter_model.safetensors");
              assertThat(audit.getReason())
                  .contains("no retrained release of job job-9")
                  .contains(PublisherConfig.RETRACTION_MAX_WAIT_MS_CONFIG);
            });
  }

  @Test
  void theScheduleOutlivesThePublisherAndTheWaitCountsFromWhenItWasScheduled() {
    schedule(loadedSchedule(), TestVerdicts.AT);

    RetractionSchedule restarted = loadedSchedule();

    assertThat(restarted.problems()).isEmpty();
    assertThat(restarted.pending())
        .singleElement()
        .isEqualTo(
            new ScheduledRetraction(KEY, "job-9", "erase-job-9", List.of(2), TestVerdicts.AT));
    assertThat(next(restarted, registry, TestVerdicts.AT.plus(MAX_WAIT)))
        .hasValueSatisfying(decision -> assertThat(decision.releases()).hasSize(1));
  }

  @Test
  void theSameJobDeliveredAgainKeepsTheWaitItStartedFirst() {
    RetractionSchedule schedule = loadedSchedule();
    schedule(schedule, TestVerdicts.AT);

    Decision again = schedule(schedule, TestVerdicts.AT.plus(Duration.ofHours(5)));

    assertThat(again.audits().get(0).getDetails())
        .containsEntry("retractBy", TestVerdicts.AT.plus(MAX_WAIT).toString());
    assertThat(loadedSchedule().pending())
        .singleElement()
        .extracting(ScheduledRetraction::scheduledAt)
        .isEqualTo(TestVerdicts.AT);
  }

  @Test
  void aRetractionTheRetrainAlreadyCarriedOutIsForgottenAndNotDoneAgain() throws IOException {
    RetractionSchedule schedule = loadedSchedule();
    schedule(schedule, TestVerdicts.AT);
    // the retrained release was published (or refused): v2 is retracted in a committed state
    ReleaseRegistry retracted = registry.with(registry.get(KEY).withRetracted(2));

    assertThat(next(schedule, retracted, TestVerdicts.AT.plus(MAX_WAIT))).isEmpty();

    assertThat(schedule.pending()).isEmpty();
    assertThat(loadedSchedule().pending()).isEmpty();
    try (Stream<Path> files = Files.list(area.resolve(RetractionSchedule.FOLDER))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void theScheduleOfAQuarantinedKeyWaitsUntilItsStateIsKnown() {
    RetractionSchedule schedule = loadedSchedule();
    schedule(schedule, TestVerdicts.AT);

    Optional<Decision> decision =
        new RetractionDeadlines(
                schedule, MAX_WAIT, "test-publisher", at(TestVerdicts.AT.plus(MAX_WAIT)))
            .next(ReleaseRegistry.empty(), key -> key.equals("acme/support"));

    assertThat(decision).isEmpty();
    assertThat(loadedSchedule().pending()).hasSize(1);
  }

  @Test
  void anUnreadableScheduleIsNamedAndLeftInPlace() throws IOException {
    Path folder = Files.createDirectories(area.resolve(RetractionSchedule.FOLDER));
    Files.writeString(folder.resolve("0123.json"), "{\"format\": \"something else\"}");

    RetractionSchedule schedule = loadedSchedule();

    assertThat(schedule.pending()).isEmpty();
    assertThat(schedule.problems())
        .singleElement()
        .asString()
        .contains("0123.json")
        .contains(ScheduledRetraction.FORMAT);
    assertThat(folder.resolve("0123.json")).exists();
  }

  @Test
  void aRetractionFileWhoseIdsAreNoIdsIsNamedAsUnreadableWithoutRepeatingThem() throws IOException {
    // what the publisher wrote names ids only; one that names a line break was written by another
    String forged = "job-9\n2026-01-02 03:04:05 INFO forged line";
    RetractionSchedule writer = new RetractionSchedule(area);
    writer.add(new ScheduledRetraction(KEY, forged, "erase-1", List.of(2), TestVerdicts.AT));
    writer.add(new ScheduledRetraction(KEY, "job-10", forged, List.of(2), TestVerdicts.AT));
    writer.noteGivenUp(
        new GivenUpErasure(
            KEY,
            forged,
            "FAILED",
            Optional.empty(),
            "3 attempts failed",
            "worker-1",
            TestVerdicts.AT,
            TestVerdicts.AT));
    // and one whose name is not the one the publisher gives it
    Path folder = area.resolve(RetractionSchedule.FOLDER);
    Files.write(
        folder.resolve("0123.json"),
        new ScheduledRetraction(KEY, forged, "erase-1", List.of(2), TestVerdicts.AT).bytes());

    RetractionSchedule schedule = loadedSchedule();

    assertThat(schedule.pending()).isEmpty();
    assertThat(schedule.givenUp(KEY, forged)).isEmpty();
    assertThat(schedule.problems())
        .hasSize(4)
        .allSatisfy(
            problem -> assertThat(problem).contains("not shown").doesNotContain("forged line"));
  }

  /**
   * An ERASURE job read while its key is quarantined is kept, not skipped: under the immediate
   * policy nothing is retracted while the key stays quarantined, and once it is back (after a
   * restart, the schedule read again) its releases are retracted at once, without the max wait.
   */
  @Test
  void anErasureJobHeldWhileItsKeyIsQuarantinedIsRetractedAtOnceWhenTheKeyIsBack() {
    TenantPolicy immediate = new TenantPolicy(true, RetractionPolicy.IMMEDIATE);
    Optional<ScheduledRetraction> held =
        new ErasureJobProcessor(
                tenant -> immediate,
                loadedSchedule(),
                MAX_WAIT,
                "test-publisher",
                at(TestVerdicts.AT))
            .hold(TestVerdicts.erasureJob("acme/support", "job-9", List.of(2)));
    assertThat(held).get().extracting(ScheduledRetraction::held).isEqualTo(true);

    assertThat(
            new RetractionDeadlines(
                    loadedSchedule(),
                    MAX_WAIT,
                    "test-publisher",
                    at(TestVerdicts.AT.plus(MAX_WAIT)))
                .next(registry, key -> key.equals("acme/support")))
        .as("while the key is quarantined")
        .isEmpty();

    Decision retraction = next(loadedSchedule(), registry, TestVerdicts.AT).orElseThrow();
    assertThat(retraction.releases())
        .extracting(AdapterRelease::getVersion, AdapterRelease::getAction)
        .containsExactly(tuple(2, ReleaseAction.RETRACTED));
    assertThat(retraction.audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getDetails())
                  .containsEntry("jobId", "job-9")
                  .containsEntry("heldWhileQuarantined", "true");
              assertThat(audit.getReason()).contains("read while the key was quarantined");
            });
  }

  /** Under the replacement policy a held ERASURE job waits for its retrained release as usual. */
  @Test
  void anErasureJobHeldUnderTheReplacementPolicyWaitsForItsReplacementAsScheduled() {
    RetractionSchedule schedule = loadedSchedule();
    Optional<ScheduledRetraction> held =
        new ErasureJobProcessor(
                tenant -> REPLACEMENT, schedule, MAX_WAIT, "test-publisher", at(TestVerdicts.AT))
            .hold(TestVerdicts.erasureJob("acme/support", "job-9", List.of(2)));
    assertThat(held).get().extracting(ScheduledRetraction::held).isEqualTo(false);

    assertThat(next(loadedSchedule(), registry, TestVerdicts.AT.plus(MAX_WAIT).minusSeconds(1)))
        .isEmpty();
    assertThat(next(loadedSchedule(), registry, TestVerdicts.AT.plus(MAX_WAIT))).isPresent();
  }

  /** A record that is no ERASURE job naming releases is not kept: there is nothing to retract. */
  @Test
  void aJobThatNamesNoReleaseIsNotHeld() {
    TrainingJob job = TestVerdicts.erasureJob("acme/support", "job-9", List.of());
    assertThat(
            new ErasureJobProcessor(
                    tenant -> REPLACEMENT,
                    loadedSchedule(),
                    MAX_WAIT,
                    "test-publisher",
                    at(TestVerdicts.AT))
                .hold(job))
        .isEmpty();
    assertThat(loadedSchedule().pending()).isEmpty();
  }

  /**
   * v2 was announced, but its folder could not be read at this start (its manifest missing): it is
   * still to be retracted once the wait is over, as the immediate policy retracts such a version
   * ({@link Retractions#retract}), not taken as resolved and dropped from the schedule.
   */
  @Test
  void anAnnouncedVersionWhoseFolderCannotBeReadIsStillRetractedOnceTheMaxWaitIsOver() {
    RetractionSchedule schedule = loadedSchedule();
    schedule(schedule, TestVerdicts.AT);
    KeyState published = registry.get(KEY);
    SortedMap<Integer, StoredRelease> readable = new TreeMap<>(published.releases());
    readable.remove(2);
    ReleaseRegistry unread =
        ReleaseRegistry.empty()
            .with(
                new KeyState(
                    KEY,
                    published.latestVersion(),
                    readable,
                    published.highestFolder(),
                    new TreeMap<>(), // no alias on it: an alias on a missing folder quarantines
                    published.retracted()));

    Optional<Decision> overdue = next(loadedSchedule(), unread, TestVerdicts.AT.plus(MAX_WAIT));

    assertThat(overdue).as("the retraction of v2").isPresent();
    assertThat(overdue.get().releases())
        .extracting(AdapterRelease::getVersion, AdapterRelease::getAction)
        .containsExactly(tuple(2, ReleaseAction.RETRACTED));
    assertThat(loadedSchedule().pending()).hasSize(1);
  }
}
