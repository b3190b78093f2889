package dev.perennial.evaluator.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalEvaluatorTest {

  @Test
  void anUndecidedCandidatesLineSaysItsDataRollsIntoTheKeysNextJob() {
    assertThat(LocalEvaluator.detail(undecided(JobTrigger.MIN_EXAMPLES)))
        .isEqualTo(" (evidence lacking in transfer.flips; its data rolls into the key's next job)");
  }

  @Test
  void anUndecidedRebaseSaysTheKeyStaysOnItsOldBaseNotThatItsDataRolls() {
    assertThat(LocalEvaluator.detail(undecided(JobTrigger.REBASE)))
        .isEqualTo(
            " (evidence lacking in transfer.flips; the key stays on its old base and is re-based"
                + " again once its held-out pool has grown)");
  }

  private static EvaluationVerdict undecided(JobTrigger trigger) {
    AdapterCandidate candidate = Candidates.rebased(LineageMethod.CARRIED_OVER);
    candidate.setTrigger(trigger);
    Gate flips =
        Gate.newBuilder()
            .setName("transfer.flips")
            .setValue(0.05)
            .setThreshold(0.05)
            .setComparator(GateComparator.LESS_OR_EQUAL)
            .setPassed(false)
            .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
            .build();
    return EvaluationVerdict.newBuilder()
        .setVerdictId(candidate.getCandidateId() + "#verdict")
        .setAdapterKey(candidate.getAdapterKey())
        .setCandidate(candidate)
        .setIncumbentVersion(null)
        .setPassed(false)
        .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        .setMetrics(Map.of())
        .setGates(List.of(flips))
        .setReportLocation("reports/acme/support")
        .setEvaluatedAt(Candidates.AT)
        .build();
  }
}
