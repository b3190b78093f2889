package dev.perennial.schemas.verdict;

import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;

/**
 * The outcome of a verdict or a gate as every stage reads it: the {@code outcome} field, or for
 * records written before it existed (null, or a symbol this reader does not know), what {@code
 * passed} says. Only PASSED is ever released; FAILED is refused; INSUFFICIENT_EVIDENCE is neither,
 * and its job's data rolls into the key's next job.
 */
public final class Outcomes {

  private Outcomes() {}

  public static EvaluationOutcome of(EvaluationVerdict verdict) {
    return read(verdict.getOutcome(), verdict.getPassed());
  }

  public static EvaluationOutcome of(Gate gate) {
    return read(gate.getOutcome(), gate.getPassed());
  }

  /** Whether the verdict leaves its candidate undecided and its job's data for the next job. */
  public static boolean isInsufficientEvidence(EvaluationVerdict verdict) {
    return of(verdict) == EvaluationOutcome.INSUFFICIENT_EVIDENCE;
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
