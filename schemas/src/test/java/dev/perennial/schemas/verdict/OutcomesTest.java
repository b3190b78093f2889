package dev.perennial.schemas.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.SampleRecords;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
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
}
