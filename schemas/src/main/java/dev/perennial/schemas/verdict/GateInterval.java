package dev.perennial.schemas.verdict;

import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;

/**
 * What a gate's interval is, as every stage reads a verdict's gate: the evaluator's reports and
 * gate texts and the publisher's audit texts tell an unbounded interval, one never drawn and a NaN
 * score apart by these rules alone. Without them an unbounded interval and one never drawn would
 * both read as dashes or nulls, told apart by the reason alone.
 */
public enum GateInterval {
  /** Finite bounds (or one infinite bound), shown as they are. */
  BOUNDED("bounded"),
  /**
   * Unbounded both ways ({@link #isUnbounded(Gate)}): an undefined effect (nothing to compare with)
   * or a ratio no threshold decides; undecided.
   */
  UNBOUNDED("unbounded"),
  /** Not drawn: fewer paired items than the bootstrap's minimum ({@link #hasTooFewItems}). */
  TOO_FEW_ITEMS("too few items"),
  /** Not a number: its items hold a NaN value (a broken model's gate, failed). */
  NOT_A_NUMBER("not a number");

  private final String shown;

  GateInterval(String shown) {
    this.shown = shown;
  }

  /** How a report says it, where there are no bounds to show. */
  public String shown() {
    return shown;
  }

  /** The kind of a statistical gate's interval (one with a confidence). */
  public static GateInterval of(Gate gate) {
    if (hasTooFewItems(gate)) {
      return TOO_FEW_ITEMS;
    }
    if (isUnbounded(gate)) {
      return UNBOUNDED;
    }
    if (gate.getLower() == null
        || gate.getUpper() == null
        || Double.isNaN(gate.getLower())
        || Double.isNaN(gate.getUpper())) {
      return NOT_A_NUMBER;
    }
    return BOUNDED;
  }

  /**
   * Whether the gate is a bootstrap gate left undecided because it had fewer paired items than the
   * bootstrap's minimum: no interval was drawn (NaN bounds; an interval of an undefined effect
   * fails instead, so an undecided gate has NaN bounds for no other reason).
   */
  public static boolean hasTooFewItems(Gate gate) {
    return Outcomes.of(gate) == EvaluationOutcome.INSUFFICIENT_EVIDENCE
        && gate.getConfidence() != null
        && gate.getLower() != null
        && Double.isNaN(gate.getLower());
  }

  /**
   * Whether the gate's interval is unbounded both ways (a ratio of summed losses over fewer than 2
   * items or with a sum that is not positive, a bootstrapped ratio undefined on more of its draws
   * than a tail holds): undecided whatever the threshold.
   */
  public static boolean isUnbounded(Gate gate) {
    return gate.getLower() != null
        && gate.getUpper() != null
        && isUnbounded(gate.getLower(), gate.getUpper());
  }

  /** Whether the bounds are (-infinity, +infinity): nothing bounds the effect. */
  public static boolean isUnbounded(double lower, double upper) {
    return lower == Double.NEGATIVE_INFINITY && upper == Double.POSITIVE_INFINITY;
  }

  /**
   * Whether the gate is a ratio undefined over its items (their reference sums to 0: no reference
   * success to compare with, a reference's summed loss of 0): no estimate and an unbounded
   * interval, undecided whatever the threshold.
   */
  public static boolean isUndefinedRatio(Gate gate) {
    return isUnbounded(gate) && Double.isNaN(gate.getValue());
  }

  /**
   * Whether the gate's effect is undefined over its items rather than a NaN score: no estimate
   * (NaN) with no interval (nothing measured) or an unbounded one ({@link #isUndefinedRatio}). A
   * NaN estimate with NaN bounds is a model whose score is NaN (or an interval over too few items),
   * not an undefined effect.
   */
  public static boolean isUndefinedEffect(Gate gate) {
    return Double.isNaN(gate.getValue())
        && !(gate.getLower() != null && Double.isNaN(gate.getLower()));
  }
}
