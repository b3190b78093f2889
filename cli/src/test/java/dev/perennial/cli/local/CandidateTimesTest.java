package dev.perennial.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.TrainingJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateTimesTest {

  private static final Instant SEALED = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path folder;

  @Test
  void splitsEachStageIntoTimeQueuedAndTimeWorkedFromTheRecordsTimestamps() {
    // sealed at 0 s, taken up by the worker at 10 s, candidate at 14 s; evaluation from 20 s to 23
    // s
    AdapterCandidate candidate =
        AdapterCandidate.newBuilder(
                TestVerdicts.candidate(new LocalArtifactStore(folder), "acme/support", "c1", null))
            .setTotalMillis(4_000)
            .setCreatedAt(SEALED.plusSeconds(14))
            .build();
    TrainingJob job =
        TrainingJob.newBuilder(TestVerdicts.erasureJob("acme/support", "job-c1", List.of()))
            .setCreatedAt(SEALED)
            .build();
    EvaluationVerdict verdict =
        EvaluationVerdict.newBuilder(TestVerdicts.passed(candidate))
            .setEvaluationStartedAt(SEALED.plusSeconds(20))
            .setEvaluatedAt(SEALED.plusSeconds(23))
            .build();
    EvaluationVerdict older =
        EvaluationVerdict.newBuilder(verdict).setEvaluationStartedAt(null).build();

    List<CandidateTimes> rows = CandidateTimes.of(List.of(verdict, older), List.of(job));

    assertThat(rows.get(0))
        .isEqualTo(
            new CandidateTimes(
                "acme/support",
                "c1",
                "PASSED",
                Duration.ofSeconds(10),
                Duration.ofSeconds(4),
                Optional.of(Duration.ofSeconds(6)),
                Optional.of(Duration.ofSeconds(3))));
    assertThat(rows.get(0).queued()).isEqualTo(Duration.ofSeconds(16));
    assertThat(rows.get(0).worked()).isEqualTo(Duration.ofSeconds(7));
    assertThat(rows.get(1).evaluatorQueued()).isEmpty();
    StringWriter printed = new StringWriter();
    CandidateTimes.print(rows, new PrintWriter(printed));
    assertThat(printed.toString())
        .contains("trainer   10.0 queued    4.0 worked, evaluator    6.0 queued    3.0 worked")
        .contains("trainer   10.0 queued    4.0 worked, evaluator      - queued      - worked")
        .contains("mean of 2: 13.0 s queued, 5.5 s worked");
  }

  @Test
  void leavesOutAVerdictWhoseJobIsUnknown() {
    AdapterCandidate candidate =
        TestVerdicts.candidate(new LocalArtifactStore(folder), "acme/support", "c2", null);

    assertThat(CandidateTimes.of(List.of(TestVerdicts.passed(candidate)), List.of())).isEmpty();
  }
}
