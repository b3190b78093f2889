package dev.perennial.schemas.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.SampleRecords;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.JobTrigger;
import org.junit.jupiter.api.Test;

class OutcomesTest {

  @Test
  void aVerdictWithoutAnOutcomeIsReadFromPassed() {
    EvaluationVerdict verdict = SampleRecords.evaluationVerdict();
    verdict.setOutcome(null);

    assertThat(Outcomes.of(verdict)).isEqualTo(EvaluationOutcome.FAILED);
    verdict.setPassed(true);
    assertThat(Outcomes.of(verdict)).isEqualTo(EvaluationOutcome.PASSED);
    verdict.setOutcome(EvaluationOutcome.UNKNOWN);
    assertThat(Outcomes.of(verdict)).isEqualTo(EvaluationOutcome.PASSED);
  }

  @Test
  void insufficientEvidenceIsNeitherPassedNorFailedAndPassedNeedsBoth() {
    EvaluationVerdict verdict = SampleRecords.evaluationVerdict();
    verdict.setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE);

    assertThat(Outcomes.isInsufficientEvidence(verdict)).isTrue();
    verdict.setOutcome(EvaluationOutcome.PASSED);
    verdict.setPassed(false);
    assertThat(Outcomes.of(verdict)).isEqualTo(EvaluationOutcome.FAILED);
    assertThat(Outcomes.of(verdict.getGates().get(0))).isEqualTo(EvaluationOutcome.PASSED);
  }

  @Test
  void undecidedDataRollsIntoTheNextJobExceptARebasesWhoseKeyStaysOnItsOldBase() {
    AdapterCandidate candidate = SampleRecords.adapterCandidate();
    candidate.setTrigger(JobTrigger.MAX_WAIT);
    assertThat(Outcomes.afterInsufficientEvidence(candidate))
        .isEqualTo("its data rolls into the key's next job");

    candidate.setTrigger(JobTrigger.REBASE);
    assertThat(Outcomes.afterInsufficientEvidence(candidate))
        .isEqualTo(
            "the key stays on its old base and is re-based again once its held-out pool has grown");
  }
}
