package dev.perennial.evaluator.gate;

import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import java.util.ArrayList;
import java.util.List;

/**
 * The gates of a measured candidate, each a value compared with a threshold:
 *
 * <ul>
 *   <li>{@value GateNames#LEARNING_EXAMPLES}: held-out examples &gt;= the minimum;
 *   <li>{@value GateNames#LEARNING}: {@code learning.gain} &gt;= the minimum gain (when there are
 *       held-out examples);
 *   <li>{@value GateNames#RETENTION_GENERAL}: general exact match &gt;= the base's minus the
 *       largest drop;
 *   <li>{@value GateNames#REGRESSION_GENERAL}: general exact match &gt;= the incumbent's minus the
 *       tolerance (when there is an incumbent; a key's first candidate answers to retention alone);
 *   <li>{@value GateNames#REGRESSION_TENANT}: loss on the key's earlier held-out examples &lt;= the
 *       incumbent's times (1 + tolerance) (when there are such examples and an incumbent);
 *   <li>{@value GateNames#LEAKAGE}: the highest exposure of another tenant's canary &lt;= the
 *       maximum (when other tenants have canaries).
 * </ul>
 *
 * A gate whose value or threshold is NaN (a model whose loss is NaN, say) fails.
 */
public final class GateRules {

  private GateRules() {}

  public static List<Gate> gates(Measurements m, GateThresholds thresholds) {
    List<Gate> gates = new ArrayList<>();
    double examples = m.get("learning.examples");
    gates.add(
        gate(
            GateNames.LEARNING_EXAMPLES,
            examples,
            thresholds.learningMinExamples(),
            GateComparator.GREATER_OR_EQUAL));
    if (examples > 0) {
      gates.add(
          gate(
              GateNames.LEARNING,
              m.get("learning.gain"),
              thresholds.learningMinGain(),
              GateComparator.GREATER_OR_EQUAL));
    }
    if (m.has("retention.general.exact.match")) {
      double match = m.get("retention.general.exact.match");
      double base = m.get("retention.general.exact.match.base");
      gates.add(
          gate(
              GateNames.RETENTION_GENERAL,
              match,
              base - thresholds.retentionMaxDrop(),
              GateComparator.GREATER_OR_EQUAL));
      if (m.has("retention.general.exact.match.incumbent")) {
        gates.add(
            gate(
                GateNames.REGRESSION_GENERAL,
                match,
                m.get("retention.general.exact.match.incumbent") - thresholds.regressionTolerance(),
                GateComparator.GREATER_OR_EQUAL));
      }
    }
    if (m.has("retention.tenant.loss.incumbent")) {
      gates.add(
          gate(
              GateNames.REGRESSION_TENANT,
              m.get("retention.tenant.loss"),
              m.get("retention.tenant.loss.incumbent")
                  * (1 + thresholds.regressionTenantTolerance()),
              GateComparator.LESS_OR_EQUAL));
    }
    if (m.get("leakage.canaries") > 0) {
      gates.add(
          gate(
              GateNames.LEAKAGE,
              m.get("leakage.exposure.max"),
              thresholds.leakageMaxExposure(),
              GateComparator.LESS_OR_EQUAL));
    }
    return gates;
  }

  /** A gate with its outcome. */
  public static Gate gate(String name, double value, double threshold, GateComparator comparator) {
    return new Gate(name, value, threshold, comparator, passes(value, threshold, comparator));
  }

  /** Whether {@code value} passes against {@code threshold}; never with a NaN. */
  public static boolean passes(double value, double threshold, GateComparator comparator) {
    if (Double.isNaN(value) || Double.isNaN(threshold)) {
      return false;
    }
    return switch (comparator) {
      case GREATER_OR_EQUAL -> value >= threshold;
      case GREATER -> value > threshold;
      case LESS_OR_EQUAL -> value <= threshold;
      case LESS -> value < threshold;
      default -> false;
    };
  }

  /** The gate a candidate fails before any suite runs (a precondition such as its integrity). */
  public static Gate precondition(String name, double value) {
    return gate(name, value, 1.0, GateComparator.GREATER_OR_EQUAL);
  }

  /** {@code learning 0.44 >= 0.05}. */
  public static String describe(Gate gate) {
    return String.format(
        java.util.Locale.ROOT,
        "%s %.4g %s %.4g",
        gate.getName(),
        gate.getValue(),
        symbol(gate.getComparator()),
        gate.getThreshold());
  }

  public static String symbol(GateComparator comparator) {
    return switch (comparator) {
      case GREATER_OR_EQUAL -> ">=";
      case GREATER -> ">";
      case LESS_OR_EQUAL -> "<=";
      case LESS -> "<";
      default -> "?";
    };
  }
}
