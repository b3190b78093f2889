package dev.perennial.evaluator.service;

import dev.perennial.evaluator.evaluate.Evaluation;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.time.Instant;
import java.util.ArrayList;

/** Turns evaluations into {@code verdicts.v1} records. */
public final class Verdicts {

  private Verdicts() {}

  /**
   * The verdict id of a candidate: its candidate id with {@code #verdict}, so a candidate delivered
   * again yields a verdict with the same id.
   */
  public static String verdictId(String candidateId) {
    return candidateId + "#verdict";
  }

  /**
   * @param startedAt when the evaluator took the candidate up (its batch started); it was evaluated
   *     at the instant its report records
   */
  public static EvaluationVerdict of(Evaluation evaluation, Instant startedAt) {
    return EvaluationVerdict.newBuilder()
        .setVerdictId(verdictId(evaluation.candidate().getCandidateId()))
        .setAdapterKey(evaluation.candidate().getAdapterKey())
        .setCandidate(evaluation.candidate())
        .setIncumbentVersion(evaluation.incumbentVersion())
        .setPassed(evaluation.passed() && !evaluation.gates().isEmpty())
        .setOutcome(evaluation.gates().isEmpty() ? EvaluationOutcome.FAILED : evaluation.outcome())
        .setReason(evaluation.reason())
        .setMetrics(evaluation.metrics())
        .setGates(new ArrayList<>(evaluation.gates()))
        .setReportLocation(evaluation.report().location())
        .setEvaluationStartedAt(startedAt)
        .setEvaluatedAt(evaluation.evaluatedAt())
        .build();
  }
}
