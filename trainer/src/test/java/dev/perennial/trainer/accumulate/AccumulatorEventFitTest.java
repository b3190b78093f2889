package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.accumulate.AccumulatorTopology.EncodedEvent;
import dev.perennial.trainer.lineage.JobIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link AccumulatorTopology#fitsRepartition} does with a verdict or a worker's give-up too
 * large for the repartition topic. The accumulator learns of one only from its event: a lost
 * JobGivenUp leaves a REBASE job in flight for good (the key is never re-based on that base again),
 * a lost RebaseRefused leaves the carry-over undistilled, a lost InsufficientEvidence leaves its
 * job's data out of the key's next job.
 */
class AccumulatorEventFitTest {

  private static final String KEY = "acme/support";
  private static final String JOB_ID = JobIds.jobId(KEY, 3, "REBASE", List.of("part"));
  private static final long TOO_SMALL = 20;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void audit_aJobGivenUpOfAJobTheAccumulatorPlannedStopsItRatherThanBeSkipped() {
    TrainerEvent event = new TrainerEvent.JobGivenUp(KEY, JOB_ID, "SKIPPED TOKENIZER_CHANGED");

    assertStops(event, "JobGivenUp");
  }

  @Test
  void audit_aRebaseRefusedOfAJobTheAccumulatorPlannedStopsItRatherThanBeSkipped() {
    TrainerEvent event = new TrainerEvent.RebaseRefused(KEY, JobIds.candidateId(JOB_ID), JOB_ID);

    assertStops(event, "RebaseRefused");
  }

  @Test
  void audit_anInsufficientEvidenceOfAJobTheAccumulatorPlannedStopsItRatherThanBeSkipped() {
    TrainerEvent event =
        new TrainerEvent.InsufficientEvidence(KEY, JobIds.candidateId(JOB_ID), JOB_ID);

    assertStops(event, "InsufficientEvidence");
  }

  @Test
  void audit_anEventTooLargeNamingNoJobTheAccumulatorMakesIsSkippedAndCounted() {
    // a job id the accumulator makes is its key, a sequence number and 12 hex digits: bounded
    TrainerEvent event = new TrainerEvent.JobGivenUp(KEY, KEY + "@1-" + "x".repeat(5000), "FAILED");

    assertThat(fits(event, 1000)).isFalse();
    Counter skipped =
        meters.find("perennial.trainer.events.skipped").tag("kind", "JobGivenUp").counter();
    assertThat(skipped).as("counted, not only logged").isNotNull();
    assertThat(skipped.count()).isEqualTo(1);
  }

  @Test
  void audit_aCandidateOfNoValidAdapterKeyIsCountedWhenSkipped() {
    TrainerEvent event = new TrainerEvent.CandidateArrived("Acme/Support", "c", "j", null);

    assertThat(AccumulatorTopology.hasValidTenant("Acme/Support", event, meters)).isFalse();
    Counter skipped =
        meters.find("perennial.trainer.events.skipped").tag("kind", "CandidateArrived").counter();
    assertThat(skipped).as("counted, not only logged").isNotNull();
    assertThat(skipped.count()).isEqualTo(1);
  }

  @Test
  void anEventThatFitsPasses() {
    assertThat(fits(new TrainerEvent.JobGivenUp(KEY, JOB_ID, "FAILED"), 1000)).isTrue();
  }

  private void assertStops(TrainerEvent event, String kind) {
    assertThatThrownBy(() -> fits(event, TOO_SMALL))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining(kind)
        .hasMessageContaining(JOB_ID)
        .hasMessageContaining("max.request.size");
  }

  private boolean fits(TrainerEvent event, long maxEventBytes) {
    return AccumulatorTopology.fitsRepartition(EncodedEvent.of(event), maxEventBytes, meters);
  }
}
