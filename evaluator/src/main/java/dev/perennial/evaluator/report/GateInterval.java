package dev.perennial.evaluator.report;

import dev.perennial.evaluator.gate.GateOutcomes;
import dev.perennial.schemas.v1.Gate;

/**
 * Why a statistical gate's report shows the interval it does. Without it an unbounded interval and
 * one never drawn would both read as dashes (HTML) or nulls (JSON), told apart by the reason alone.
 */
enum GateInterval {
  /** Finite bounds (or one infinite bound), shown as they are. */
  BOUNDED("bounded"),
  /**
   * Unbounded both ways ({@link GateOutcomes#isUnbounded}): an undefined effect (nothing to compare
   * with) or a ratio no threshold decides; undecided.
   */
  UNBOUNDED("unbounded"),
  /**
   * Not drawn: fewer paired items than the bootstrap's minimum ({@link
   * GateOutcomes#hasTooFewItems}).
   */
  TOO_FEW_ITEMS("too few items"),
  /** Not a number: its items hold a NaN value (a broken model's gate, failed). */
  NOT_A_NUMBER("not a number");

  private final String shown;

  GateInterval(String shown) {
    this.shown = shown;
  }

  /** How the HTML report's interval cell says it, where there are no bounds to show. */
  String shown() {
    return shown;
  }

  /** The kind of a statistical gate's interval (one with a confidence). */
  static GateInterval of(Gate gate) {
    if (GateOutcomes.hasTooFewItems(gate)) {
      return TOO_FEW_ITEMS;
    }
    if (GateOutcomes.isUnbounded(gate)) {
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
}
