package dev.perennial.publisher.retract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.perennial.publisher.audit.AuditEvents;
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
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.TrainingJob;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErasureJobProcessorTest {

  @TempDir static Path area;

  private static final TenantPolicy IMMEDIATE = new TenantPolicy(true, RetractionPolicy.IMMEDIATE);
  private static final TenantPolicy REPLACEMENT =
      new TenantPolicy(true, RetractionPolicy.REPLACEMENT);

  private final RetractionSchedule schedule = new RetractionSchedule(area);

  private final ErasureJobProcessor processor =
      new ErasureJobProcessor(
          tenant -> tenant.equals("strict") ? IMMEDIATE : REPLACEMENT,
          schedule,
          Duration.ofHours(24),
          "test-publisher",
          Clock.fixed(TestVerdicts.AT, ZoneOffset.UTC));

  private static ReleaseRegistry registryWith(String key, int versions) {
    return ReleaseRegistry.empty()
        .with(ReleaseStates.published(AdapterKey.parse(key), versions, IMMEDIATE));
  }

  @Test
  void underTheImmediatePolicyTheAffectedReleasesAreRetractedAtOnceAndStableFallsBack() {
    ReleaseRegistry registry = registryWith("strict/support", 3);
    TrainingJob job = TestVerdicts.erasureJob("strict/support", "job-9", List.of(2, 3));

    Decision decision = processor.process(registry, job);

    assertThat(decision.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(decision.releases())
        .extracting(AdapterRelease::getVersion, AdapterRelease::getAction)
        .containsExactly(tuple(2, ReleaseAction.RETRACTED), tuple(3, ReleaseAction.RETRACTED));
    AdapterRelease last = decision.releases().get(1);
    assertThat(last.getRetractedVersions()).containsExactly(2, 3);
    assertThat(last.getAliases()).containsExactlyEntriesOf(Map.of("stable", 1));
    assertThat(last.getReason()).contains("erase-job-9").contains("immediate");
    assertThat(decision.audits())
        .extracting(audit -> audit.getAction() + " v" + audit.getDetails().get("version"))
        .containsExactly(
            AuditEvents.RELEASE_RETRACTED + " v2", AuditEvents.RELEASE_RETRACTED + " v3");
  }

  @Test
  void underTheReplacementPolicyTheRetractionIsScheduledAndAudited() {
    ReleaseRegistry registry = registryWith("acme/support", 2);

    Decision decision =
        processor.process(registry, TestVerdicts.erasureJob("acme/support", "job-9", List.of(2)));

    assertThat(decision.outcome()).isEqualTo(Outcome.RETRACTION_SCHEDULED);
    assertThat(decision.releases()).isEmpty();
    assertThat(decision.state()).isEmpty();
    assertThat(decision.audits().get(0).getReason())
        .contains("retracted once the retrained release of job job-9 is published");
  }

  @Test
  void anErasureJobWithNoDataLeftToRetrainOnRetractsAtOnceEvenUnderTheReplacementPolicy() {
    // The withdrawn subject's data was all the key had: the accumulator's ERASURE job lists no
    // training shard, the worker skips it (NOTHING_TO_TRAIN) and no retrained release or verdict
    // will ever come to retract what it replaces.
    ReleaseRegistry registry = registryWith("acme/support", 2);
    TrainingJob job = TestVerdicts.erasureJob("acme/support", "job-9", List.of(1, 2));
    job.setShards(List.of());

    Decision decision = processor.process(registry, job);

    assertThat(decision.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(decision.releases())
        .extracting(AdapterRelease::getVersion, AdapterRelease::getAction)
        .containsExactly(tuple(1, ReleaseAction.RETRACTED), tuple(2, ReleaseAction.RETRACTED));
    assertThat(decision.releases().get(1).getAliases()).isEmpty();
    assertThat(decision.releases().get(1).getReason()).contains("no data left to retrain on");
  }

  @Test
  void anOrdinaryTrainingJobIsNotThePublishersBusiness() {
    TrainingJob job = TestVerdicts.erasureJob("strict/support", "job-1", List.of(1));
    job.setTrigger(JobTrigger.MIN_EXAMPLES);
    job.setErasure(null);

    assertThat(processor.process(registryWith("strict/support", 1), job).outcome())
        .isEqualTo(Outcome.IGNORED);
  }

  @Test
  void audit_aPublishedReleaseWhoseFolderCannotBeReadIsRetractedNotTakenAsNeverPublished() {
    // as RegistryRebuild leaves the key when v2's manifest.json cannot be read at start: announced
    // up to v3 on releases.v1, but no readable folder of v2 (the scan lists it as a problem)
    AdapterKey key = AdapterKey.parse("strict/support");
    KeyState published = ReleaseStates.published(key, 3, IMMEDIATE);
    SortedMap<Integer, StoredRelease> readable = new TreeMap<>(published.releases());
    readable.remove(2);
    KeyState unreadableV2 =
        new KeyState(
            key,
            published.latestVersion(),
            readable,
            published.highestFolder(),
            published.baseAliases(),
            published.retracted());
    ReleaseRegistry registry = ReleaseRegistry.empty().with(unreadableV2);

    Decision decision =
        processor.process(registry, TestVerdicts.erasureJob("strict/support", "job-9", List.of(2)));

    assertThat(decision.outcome()).isEqualTo(Outcome.RETRACTED);
    assertThat(decision.releases())
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.getVersion()).isEqualTo(2);
              assertThat(record.getAction()).isEqualTo(ReleaseAction.RETRACTED);
              assertThat(record.getRetractedVersions()).containsExactly(2);
              assertThat(record.getReason()).contains("cannot be read");
            });
    assertThat(decision.audits())
        .singleElement()
        .satisfies(audit -> assertThat(audit.getReason()).contains("cannot be read"));
  }

  @Test
  void anErasureNamingNoLiveReleaseIsAuditedAsNoted() {
    ReleaseRegistry registry = registryWith("strict/support", 1);

    Decision decision =
        processor.process(registry, TestVerdicts.erasureJob("strict/support", "job-3", List.of(5)));

    assertThat(decision.outcome()).isEqualTo(Outcome.NOTED);
    assertThat(decision.audits())
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAction()).isEqualTo(AuditEvents.ERASURE_NOTED);
              assertThat(audit.getDetails()).containsEntry("neverPublished", "[5]");
            });
  }

  @Test
  void anErasureJobWhoseRequestIdIsNoIdIsAuditedAsUnreadableWithoutRepeatingIt() {
    // The request id goes into retraction files, release reasons, audit events and log lines: one
    // a forged job carries (a line break, a megabyte) is recorded nowhere, and nothing is retracted
    // or scheduled on the word of such a job.
    String forged = "erase-1\n2026-01-02 03:04:05 INFO forged line";
    String huge = "e".repeat(100_000);
    for (String key : List.of("strict/support", "acme/support")) {
      for (String requestId : List.of(forged, huge, "")) {
        TrainingJob job = TestVerdicts.erasureJob(key, "job-bad-id", List.of(1, 2));
        job.getErasure().setRequestId(requestId);

        Decision decision = processor.process(registryWith(key, 2), job);

        assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
        assertThat(decision.releases()).isEmpty();
        assertThat(decision.state()).isEmpty();
        assertThat(decision.audits())
            .singleElement()
            .satisfies(
                audit -> {
                  assertThat(audit.getAction()).isEqualTo(AuditEvents.RECORD_UNREADABLE);
                  assertThat(audit.getReason() + audit.getDetails())
                      .contains("request id", "not shown")
                      .doesNotContain("forged line", "e".repeat(1_000));
                });
        assertThat(schedule.pending(AdapterKey.parse(key), "job-bad-id")).isEmpty();
      }
    }
  }

  @Test
  void anErasureJobWhoseJobIdIsNoIdIsAuditedAsUnreadableWithoutRepeatingIt() {
    // The job id goes into retraction files, audit events' reasons and details, and log lines
    String forged = "job-1\n2026-01-02 03:04:05 INFO forged line";
    for (String key : List.of("strict/support", "acme/support")) {
      for (String jobId : List.of(forged, "j".repeat(100_000))) {
        TrainingJob job = TestVerdicts.erasureJob(key, "job-ok", List.of(1, 2));
        job.setJobId(jobId);

        Decision decision = processor.process(registryWith(key, 2), job);

        assertThat(decision.outcome()).isEqualTo(Outcome.UNREADABLE);
        assertThat(decision.releases()).isEmpty();
        assertThat(decision.state()).isEmpty();
        assertThat(decision.audits())
            .singleElement()
            .satisfies(
                audit -> {
                  assertThat(audit.getAction()).isEqualTo(AuditEvents.RECORD_UNREADABLE);
                  assertThat(audit.getReason() + audit.getDetails())
                      .contains("job id", "not shown")
                      .doesNotContain("forged line", "j".repeat(1_000));
                });
        assertThat(schedule.pending(AdapterKey.parse(key), jobId)).isEmpty();
      }
    }
  }
}
