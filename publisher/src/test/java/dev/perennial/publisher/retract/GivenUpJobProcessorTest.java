package dev.perennial.publisher.retract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.SkipReason;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the {@code replacement} policy a retraction waits for the ERASURE job's retrained release;
 * when the worker gives that job up ({@code job-outcomes.v1}), none will come, and the releases are
 * retracted at once, whether the give-up is read after the job or before it.
 */
class GivenUpJobProcessorTest {

  private static final TenantPolicy REPLACEMENT =
      new TenantPolicy(true, RetractionPolicy.REPLACEMENT);
  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final Duration MAX_WAIT = Duration.ofHours(24);
  private static final Instant GIVEN_UP_READ = TestVerdicts.AT.plusSeconds(120);
  private static final String PSEUDONYM = "p-0123456789abcdef";

  @TempDir Path area;

  private final ReleaseRegistry registry =
      ReleaseRegistry.empty().with(ReleaseStates.published(KEY, 2, REPLACEMENT));
  private final TrainingJob job = TestVerdicts.erasureJob("acme/support", "job-9", List.of(2));

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  /** The schedule of the release area, as a (re)started publisher loads it. */
  private RetractionSchedule loadedSchedule() {
    RetractionSchedule schedule = new RetractionSchedule(area);
    schedule.load();
    return schedule;
  }

  private Decision readJob(RetractionSchedule schedule, Instant at) {
    return new ErasureJobProcessor(
            tenant -> REPLACEMENT, schedule, MAX_WAIT, "test-publisher", at(at))
        .process(registry, job);
  }

  private Decision readGivenUp(
      RetractionSchedule schedule, TrainingJob job, SkipReason skipReason, Instant at) {
    return new GivenUpJobProcessor(schedule, "test-publisher", at(at))
        .process(registry, TestVerdicts.givenUp(job, skipReason, "3 attempts failed: OOM"));
  }

  private static Optional<Decision> sweep(
      RetractionSchedule schedule, ReleaseRegistry registry, Instant at) {
    return new RetractionDeadlines(schedule, MAX_WAIT, "test-publisher", at(at))
        .next(registry, key -> false);
  }

  private List<Path> filesLeft() throws IOException {
    try (Stream<Path> files = Files.walk(area.resolve(RetractionSchedule.FOLDER))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aGiveUpReadWhileTheRetractionWaitsRetractsAtOnceSayingWhyAndEndsTheWait()
      throws IOException {
    RetractionSchedule schedule = loadedSchedule();
    assertThat(readJob(schedule, TestVerdicts.AT).outcome())
        .isEqualTo(Outcome.RETRACTION_SCHEDULED);

    Decision decision = readGivenUp(schedule, job, null, GIVEN_UP_READ);

    assertThat(decision.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(decision.releases())
        .extracting(AdapterRelease::getVersion, AdapterRelease::getAction)
        .containsExactly(tuple(2, ReleaseAction.RETRACTED));
    assertThat(decision.releases().get(0).getAliases())
        .containsExactlyEntriesOf(Map.of("stable", 1));
    assertThat(decision.releases().get(0).getReason())
        .contains("erase-job-9")
        .contains("given up")
        .doesNotContain(PSEUDONYM);
    assertThat(decision.audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAction()).isEqualTo(AuditEvents.RELEASE_RETRACTED);
              assertThat(audit.getOccurredAt()).isEqualTo(GIVEN_UP_READ);
              assertThat(audit.getDetails())
                  .containsEntry("jobId", "job-9")
                  .containsEntry("erasureRequestId", "erase-job-9")
                  .containsEntry("givenUp", "FAILED")
                  .containsEntry("givenUpDetail", "3 attempts failed: OOM")
                  .containsEntry("replacedBy", "none")
                  .containsEntry("weightsPurged", "adapter_model.safetensors")
                  .doesNotContainKey("skipReason");
              assertThat(audit.getReason())
                  .contains("given up by worker worker-1")
                  .contains("FAILED: 3 attempts failed: OOM")
                  .contains("retracted at once")
                  .doesNotContain(PSEUDONYM);
            });

    // committed: the next sweep finds the wait resolved and removes it
    ReleaseRegistry retracted = registry.with(decision.state().orElseThrow());
    assertThat(sweep(schedule, retracted, GIVEN_UP_READ)).isEmpty();
    assertThat(schedule.pending()).isEmpty();
    assertThat(filesLeft()).isEmpty();
  }

  @Test
  void aGiveUpReadBeforeItsJobIsKeptAcrossARestartAndTheJobIsThenRetractedAtOnce()
      throws IOException {
    Decision noted =
        readGivenUp(loadedSchedule(), job, SkipReason.SHARD_GONE, TestVerdicts.AT.plusSeconds(1));

    assertThat(noted.outcome()).isEqualTo(Outcome.NOTED);
    assertThat(noted.releases()).isEmpty();
    assertThat(noted.audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAction()).isEqualTo(AuditEvents.ERASURE_JOB_GIVEN_UP);
              assertThat(audit.getDetails())
                  .containsEntry("jobId", "job-9")
                  .containsEntry("skipReason", "SHARD_GONE");
            });
    for (Path file : filesLeft()) {
      assertThat(Files.readString(file)).doesNotContain(PSEUDONYM);
    }

    // the publisher restarts, then reads the job
    RetractionSchedule restarted = loadedSchedule();
    assertThat(restarted.problems()).isEmpty();
    Decision decision = readJob(restarted, TestVerdicts.AT.plusSeconds(5));

    assertThat(decision.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(decision.releases())
        .extracting(AdapterRelease::getVersion, AdapterRelease::getAction)
        .containsExactly(tuple(2, ReleaseAction.RETRACTED));
    assertThat(decision.audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getDetails())
                  .containsEntry("givenUp", "SKIPPED")
                  .containsEntry("skipReason", "SHARD_GONE");
              assertThat(audit.getReason())
                  .contains("SKIPPED SHARD_GONE")
                  .contains("retracted at once")
                  .doesNotContain(PSEUDONYM);
            });

    // committed: both the wait and the give-up are removed by the next sweep
    ReleaseRegistry retracted = registry.with(decision.state().orElseThrow());
    assertThat(sweep(restarted, retracted, TestVerdicts.AT.plusSeconds(5))).isEmpty();
    assertThat(restarted.givenUp()).isEmpty();
    assertThat(filesLeft()).isEmpty();
  }

  @Test
  void aJobDeliveredAgainAfterItsRetractionFailedToCommitIsRetractedAgain() {
    RetractionSchedule schedule = loadedSchedule();
    readGivenUp(schedule, job, null, TestVerdicts.AT);
    Decision first = readJob(schedule, TestVerdicts.AT.plusSeconds(1));

    // the transaction was aborted: nothing applied, the job is read again
    Decision again = readJob(schedule, TestVerdicts.AT.plusSeconds(2));

    assertThat(again.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(again.audits().get(0).getEventId()).isEqualTo(first.audits().get(0).getEventId());
  }

  @Test
  void aGivenUpJobThatIsNoErasureChangesNothing() {
    RetractionSchedule schedule = loadedSchedule();
    TrainingJob ordinary = TestVerdicts.erasureJob("acme/support", "job-1", List.of(2));
    ordinary.setTrigger(JobTrigger.MIN_EXAMPLES);
    ordinary.setErasure(null);

    Decision decision = readGivenUp(schedule, ordinary, null, TestVerdicts.AT);

    assertThat(decision.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(decision.audits()).isEmpty();
    assertThat(schedule.givenUp()).isEmpty();
    assertThat(Files.exists(area.resolve(RetractionSchedule.FOLDER))).isFalse();
  }

  @Test
  void aGiveUpOfARetractionAlreadyCarriedOutChangesNothing() {
    RetractionSchedule schedule = loadedSchedule();
    readJob(schedule, TestVerdicts.AT);
    // the retrain's verdict came first (refused, say): v2 is retracted in a committed state
    ReleaseRegistry retracted = registry.with(registry.get(KEY).withRetracted(2));

    Decision decision =
        new GivenUpJobProcessor(schedule, "test-publisher", at(GIVEN_UP_READ))
            .process(retracted, TestVerdicts.givenUp(job, null, "failed"));

    assertThat(decision.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(decision.releases()).isEmpty();
  }

  @Test
  void aGiveUpWhoseJobWasDecidedWithoutAWaitIsForgottenOnceKeptForTheMaxWait() {
    RetractionSchedule schedule = loadedSchedule();
    // the job was retracted at its deadline before the give-up was read: no schedule is left
    readGivenUp(schedule, job, null, GIVEN_UP_READ);

    assertThat(sweep(schedule, registry, GIVEN_UP_READ.plus(MAX_WAIT).minusSeconds(1))).isEmpty();
    assertThat(loadedSchedule().givenUp()).hasSize(1);
    assertThat(sweep(schedule, registry, GIVEN_UP_READ.plus(MAX_WAIT))).isEmpty();

    assertThat(schedule.givenUp()).isEmpty();
    assertThat(loadedSchedule().givenUp()).isEmpty();
  }

  @Test
  void aGiveUpWhoseJobIdIsNoIdIsAuditedAsUnreadableAndNoted() {
    RetractionSchedule schedule = loadedSchedule();
    String forged = "job-9\n2026-01-02 03:04:05 INFO forged line";
    JobGivenUp givenUp = TestVerdicts.givenUp(job, null, "3 attempts failed: OOM");
    givenUp.setJobId(forged);

    Decision decision =
        new GivenUpJobProcessor(schedule, "test-publisher", at(GIVEN_UP_READ))
            .process(registry, givenUp);

    assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
    assertThat(decision.releases()).isEmpty();
    assertThat(decision.audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAction()).isEqualTo(AuditEvents.RECORD_UNREADABLE);
              assertThat(audit.getReason() + audit.getDetails())
                  .contains("job id", "not shown")
                  .doesNotContain("forged line");
            });
    assertThat(schedule.givenUp(KEY, forged)).isEmpty();
    assertThat(loadedSchedule().givenUp(KEY, forged)).as("nothing written").isEmpty();
  }

  @Test
  void aGiveUpWhoseWorkerIdIsNoIdIsAuditedAsUnreadableAndNoted() {
    RetractionSchedule schedule = loadedSchedule();
    for (String forged :
        List.of("worker-1\n2026-01-02 03:04:05 INFO forged line", "w".repeat(100_000))) {
      JobGivenUp givenUp = TestVerdicts.givenUp(job, null, "3 attempts failed: OOM");
      givenUp.setWorkerId(forged);

      Decision decision =
          new GivenUpJobProcessor(schedule, "test-publisher", at(GIVEN_UP_READ))
              .process(registry, givenUp);

      assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
      assertThat(decision.releases()).isEmpty();
      assertThat(decision.audits())
          .singleElement()
          .satisfies(
              audit -> {
                assertThat(audit.getAction()).isEqualTo(AuditEvents.RECORD_UNREADABLE);
                assertThat(audit.getReason() + audit.getDetails())
                    .contains("worker id", "not shown")
                    .doesNotContain("forged line", "w".repeat(1_000));
              });
    }
    assertThat(loadedSchedule().givenUp()).as("nothing written").isEmpty();
  }

  @Test
  void aGiveUpsDetailReachesReasonsAndAuditDetailsOnOneBoundedLine() {
    String detail =
        "3 attempts failed:\n2026-01-02 03:04:05 INFO forged line " + "e".repeat(100_000);
    // read before its job: noted in a file, then retracted once the job is read after a restart
    Decision noted =
        new GivenUpJobProcessor(loadedSchedule(), "test-publisher", at(TestVerdicts.AT))
            .process(registry, TestVerdicts.givenUp(job, null, detail));
    Decision retracted = readJob(loadedSchedule(), GIVEN_UP_READ);
    // read while the retraction waits
    RetractionSchedule waiting = new RetractionSchedule(area.resolve("other"));
    waiting.load();
    new ErasureJobProcessor(
            tenant -> REPLACEMENT, waiting, MAX_WAIT, "test-publisher", at(TestVerdicts.AT))
        .process(registry, job);
    Decision atOnce =
        new GivenUpJobProcessor(waiting, "test-publisher", at(GIVEN_UP_READ))
            .process(registry, TestVerdicts.givenUp(job, null, detail));

    assertThat(noted.outcome()).isEqualTo(Outcome.NOTED);
    assertThat(retracted.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(atOnce.outcome()).isEqualTo(Outcome.RETRACTED);
    for (Decision decision : List.of(noted, retracted, atOnce)) {
      List<String> texts = new java.util.ArrayList<>();
      decision.audits().forEach(audit -> texts.add(audit.getReason()));
      decision.audits().forEach(audit -> texts.addAll(audit.getDetails().values()));
      decision.releases().forEach(release -> texts.add(release.getReason()));
      assertThat(texts)
          .anySatisfy(text -> assertThat(text).contains("3 attempts failed: 2026-01-02"))
          .allSatisfy(
              text ->
                  assertThat(text)
                      .doesNotContain("\n")
                      .doesNotContain("e".repeat(1_000))
                      .hasSizeLessThan(1_000));
    }
  }
}
