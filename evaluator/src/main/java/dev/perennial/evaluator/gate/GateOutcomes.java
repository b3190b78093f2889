package dev.perennial.evaluator.gate;

import dev.perennial.evaluator.stats.Interval;
import dev.perennial.schemas.release.MovedRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageRelease;
import dev.perennial.schemas.verdict.Confidence;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How gates decide and how a candidate's outcome follows from its gates.
 *
 * <p>A statistical gate compares its effect's confidence interval with the threshold: for a minimum
 * ({@code >=}), the lower bound must reach it to pass and the upper bound falling short of it
 * fails; for a maximum ({@code <=}), the upper bound must stay within it to pass and the lower
 * bound beyond it fails. An interval across the threshold is insufficient evidence. A candidate
 * fails when any gate fails, has insufficient evidence when none fails and any is undecided, and
 * passes when every gate passes.
 */
public final class GateOutcomes {

  private GateOutcomes() {}

  /**
   * The outcome of an interval against a threshold: INSUFFICIENT_EVIDENCE when the interval is
   * unbounded (even with an undefined estimate: a summed loss of 0 is no evidence either way), else
   * FAILED when anything is NaN.
   */
  public static EvaluationOutcome decide(
      Interval interval, double threshold, GateComparator comparator) {
    if (interval.isUnbounded() && !Double.isNaN(threshold)) {
      return EvaluationOutcome.INSUFFICIENT_EVIDENCE;
    }
    if (interval.isUndefined() || Double.isNaN(threshold)) {
      return EvaluationOutcome.FAILED;
    }
    return switch (comparator) {
      case GREATER_OR_EQUAL -> between(interval.lower() >= threshold, interval.upper() < threshold);
      case GREATER -> between(interval.lower() > threshold, interval.upper() <= threshold);
      case LESS_OR_EQUAL -> between(interval.upper() <= threshold, interval.lower() > threshold);
      case LESS -> between(interval.upper() < threshold, interval.lower() >= threshold);
      default -> EvaluationOutcome.FAILED;
    };
  }

  private static EvaluationOutcome between(boolean passes, boolean fails) {
    if (passes) {
      return EvaluationOutcome.PASSED;
    }
    return fails ? EvaluationOutcome.FAILED : EvaluationOutcome.INSUFFICIENT_EVIDENCE;
  }

  /** The candidate's outcome: FAILED when there are no gates. */
  public static EvaluationOutcome overall(List<Gate> gates) {
    if (gates.isEmpty() || any(gates, EvaluationOutcome.FAILED)) {
      return EvaluationOutcome.FAILED;
    }
    return any(gates, EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        ? EvaluationOutcome.INSUFFICIENT_EVIDENCE
        : EvaluationOutcome.PASSED;
  }

  private static boolean any(List<Gate> gates, EvaluationOutcome outcome) {
    return gates.stream().anyMatch(gate -> Outcomes.of(gate) == outcome);
  }

  /** The gates with this outcome. */
  public static List<Gate> withOutcome(List<Gate> gates, EvaluationOutcome outcome) {
    return gates.stream().filter(gate -> Outcomes.of(gate) == outcome).toList();
  }

  /**
   * Why the candidate has its outcome, for the verdict, the audit and the summary: the failing or
   * undecided gates and, with insufficient evidence, where the job's data goes.
   */
  public static String reason(EvaluationOutcome outcome, List<Gate> gates, String jobId) {
    return switch (outcome) {
      case PASSED -> "every gate passed";
      case INSUFFICIENT_EVIDENCE ->
          "insufficient evidence ("
              + describeAll(withOutcome(gates, outcome))
              + "): neither released nor refused; the data of job "
              + jobId
              + " rolls into the key's next job";
      default -> "failing " + describeAll(withOutcome(gates, EvaluationOutcome.FAILED));
    };
  }

  /**
   * {@link #reason(EvaluationOutcome, List, String)} for a candidate; an undecided REBASE candidate
   * says what happens instead of a rollover: the key keeps its release on the old base, and the
   * trainer plans the rebase again once the key's held-out pool has grown (the candidate already
   * held all of it, so evaluating it again would decide nothing).
   */
  public static String reason(
      EvaluationOutcome outcome, List<Gate> gates, AdapterCandidate candidate) {
    if (outcome != EvaluationOutcome.INSUFFICIENT_EVIDENCE
        || candidate.getTrigger() != JobTrigger.REBASE) {
      return reason(outcome, gates, candidate.getJobId());
    }
    LineageRelease moved = MovedRelease.of(candidate.getLineage());
    String old =
        moved == null
            ? "its stable release on the old base"
            : "v" + moved.getVersion() + " on " + moved.getBaseModelName();
    return "insufficient evidence ("
        + describeAll(withOutcome(gates, outcome))
        + "): neither released nor refused; "
        + candidate.getAdapterKey()
        + " stays on "
        + old
        + ", and its rebase onto "
        + candidate.getBaseModelName()
        + " is planned again once the key's held-out pool has grown by"
        + " perennial.trainer.rebase.retry.growth";
  }

  private static String describeAll(List<Gate> gates) {
    return gates.stream().map(GateOutcomes::describe).collect(Collectors.joining("; "));
  }

  /**
   * {@code learning 0.412 [0.301, 0.520] n 12 >= 0.0500 at the lower bound of the 95 % interval}
   * for a statistical gate, {@code learning.examples 3 >= 8} for a count, {@code leakage 3.200 <=
   * 6.000} for another, {@code feedback.drift 0 <= 0.1000 (nothing measured)} for a statistical
   * gate without items, {@code regression.tenant 0.300 n 1 <= 0.250, too few items for an interval}
   * for one over fewer items than a bootstrap gate decides on, {@code feedback.length n 20 <=
   * 0.200, no bounded 95 % interval: no reference success to compare with ...} for a ratio over a
   * reference of 0.
   */
  public static String describe(Gate gate) {
    String symbol = symbol(gate.getComparator());
    if (gate.getLower() == null || gate.getUpper() == null || gate.getConfidence() == null) {
      String number = gate.getN() == null ? "%.4g" : "%.0f";
      String threshold = gate.getThreshold() == Math.rint(gate.getThreshold()) ? number : "%.4g";
      return String.format(
              Locale.ROOT,
              "%s " + number + " %s " + threshold,
              gate.getName(),
              gate.getValue(),
              symbol,
              gate.getThreshold())
          + (gate.getN() != null && gate.getN() == 0 ? " (nothing measured)" : "");
    }
    if (GateInterval.hasTooFewItems(gate)) {
      return String.format(
          Locale.ROOT,
          "%s %.3g n %d %s %.3g, too few items for an interval",
          gate.getName(),
          gate.getValue(),
          gate.getN(),
          symbol,
          gate.getThreshold());
    }
    if (GateInterval.isUnbounded(gate)) {
      String measured =
          GateInterval.isUndefinedRatio(gate)
              ? String.format(Locale.ROOT, "%s n %d", gate.getName(), gate.getN())
              : String.format(
                  Locale.ROOT, "%s %.3g n %d", gate.getName(), gate.getValue(), gate.getN());
      return String.format(
          Locale.ROOT,
          "%s %s %.3g, no bounded %s %% interval: %sa ratio of summed losses needs both sums"
              + " positive and the reference's spread over 2 or more items, a bootstrapped ratio a"
              + " reference sum above 0 in all of its draws but at most a tail's share, so no"
              + " threshold decides it",
          measured,
          symbol,
          gate.getThreshold(),
          Confidence.percent(gate.getConfidence()),
          GateInterval.isUndefinedRatio(gate)
              ? "no reference success to compare with (the reference sums to 0 over the items, so"
                  + " the ratio is undefined); "
              : "");
    }
    boolean minimum = symbol.startsWith(">");
    return String.format(
        Locale.ROOT,
        "%s %.3g [%.3g, %.3g] n %d %s %.3g at the %s bound of the %s %% interval",
        gate.getName(),
        gate.getValue(),
        gate.getLower(),
        gate.getUpper(),
        gate.getN(),
        symbol,
        gate.getThreshold(),
        minimum ? "lower" : "upper",
        Confidence.percent(gate.getConfidence()));
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
