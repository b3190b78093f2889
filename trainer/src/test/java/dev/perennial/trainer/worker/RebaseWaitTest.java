package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.TrainingJob;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RebaseWaitTest {

  private static final String WORKER_BASE = "sha256:" + "ab".repeat(32);
  private static final StableRelease ON_THIS_BASE =
      new StableRelease(3, "releases/acme/support/v3", "m3", "ab".repeat(32), null);
  private static final StableRelease ON_THE_OLD_BASE =
      new StableRelease(2, "releases/acme/support/v2", "m2", "cd".repeat(32), null);

  private static TrainingJob job(JobTrigger trigger) {
    return TrainingJob.newBuilder()
        .setJobId("acme/support@5-abc")
        .setTenant("acme")
        .setAdapterKey("acme/support")
        .setTrigger(trigger)
        .setShards(List.of())
        .setHeldOutShards(List.of())
        .setReplayShards(List.of())
        .setCreatedAt(Instant.ofEpochMilli(1))
        .build();
  }

  @Test
  void anOrdinaryJobOfAKeyThatLivesOnlyOnAnotherBaseWaitsForItsRebase() {
    for (JobTrigger trigger :
        List.of(
            JobTrigger.MIN_EXAMPLES,
            JobTrigger.MIN_TOKENS,
            JobTrigger.MAX_WAIT,
            JobTrigger.MANUAL)) {
      assertThat(
              RebaseWait.reason(
                  job(trigger), WORKER_BASE, Optional.empty(), List.of(ON_THE_OLD_BASE)))
          .as(trigger.name())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains("acme/support has no stable release on this worker's base")
                      .contains("but v2 on base " + "cd".repeat(32))
                      .contains("REBASE job"));
    }
  }

  @Test
  void aKeyWithAStableReleaseHereOrNoneAnywhereTrainsAsBefore() {
    assertThat(
            RebaseWait.reason(
                job(JobTrigger.MAX_WAIT),
                WORKER_BASE,
                Optional.of(ON_THIS_BASE),
                List.of(ON_THE_OLD_BASE)))
        .isEmpty();
    assertThat(
            RebaseWait.reason(job(JobTrigger.MAX_WAIT), WORKER_BASE, Optional.empty(), List.of()))
        .isEmpty();
  }

  @Test
  void erasureRebaseAndImportJobsChooseTheirOwnStart() {
    for (JobTrigger trigger : List.of(JobTrigger.ERASURE, JobTrigger.REBASE, JobTrigger.IMPORT)) {
      assertThat(
              RebaseWait.reason(
                  job(trigger), WORKER_BASE, Optional.empty(), List.of(ON_THE_OLD_BASE)))
          .as(trigger.name())
          .isEmpty();
    }
  }
}
