package dev.perennial.schemas.verdict;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.JobTrigger;

/**
 * The outcome of a verdict or a gate as every stage reads it: the {@code outcome} field, or for
 * records written before it existed (null, or a symbol this reader does not know), what {@code
 * passed} says. Only PASSED is ever released; FAILED is refused; INSUFFICIENT_EVIDENCE is neither,
 * and what follows depends on the candidate's job ({@link #afterInsufficientEvidence}).
 */
public final class Outcomes {

  private Outcomes() {}

  public static EvaluationOutcome of(EvaluationVerdict verdict) {
    return read(verdict.getOutcome(), verdict.getPassed());
  }

  public static EvaluationOutcome of(Gate gate) {
    return read(gate.getOutcome(), gate.getPassed());
  }

  /** Whether the verdict leaves its candidate undecided, neither released nor refused. */
  public static boolean isInsufficientEvidence(EvaluationVerdict verdict) {
    return of(verdict) == EvaluationOutcome.INSUFFICIENT_EVIDENCE;
  }

  /**
   * What follows insufficient evidence for this candidate, as a phrase: its job's data rolls into
   * the key's next job; a REBASE candidate already held the key's whole held-out pool, so nothing
   * rolls: the key stays on its old base and is re-based again once that pool has grown. (An
   * ERASURE retrain or an IMPORT candidate never rolls over: its undecided candidate is refused on
   * {@code evidence.rollover}, so it never reaches this.)
   */
  public static String afterInsufficientEvidence(AdapterCandidate candidate) {
    return candidate.getTrigger() == JobTrigger.REBASE
        ? "the key stays on its old base and is re-based again once its held-out pool has grown"
        : "its data rolls into the key's next job";
  }

  private static EvaluationOutcome read(EvaluationOutcome outcome, boolean passed) {
    if (outcome == null || outcome == EvaluationOutcome.UNKNOWN) {
      return passed ? EvaluationOutcome.PASSED : EvaluationOutcome.FAILED;
    }
    // A record that says both must not be released on the strength of one of them.
    if (outcome == EvaluationOutcome.PASSED && !passed) {
      return EvaluationOutcome.FAILED;
    }
    return outcome;
  }
}
