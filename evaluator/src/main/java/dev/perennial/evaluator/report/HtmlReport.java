package dev.perennial.evaluator.report;

import dev.perennial.evaluator.gate.GateOutcomes;
import dev.perennial.evaluator.history.MeasurePoint;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.evaluator.suite.CanaryExposure;
import dev.perennial.evaluator.suite.Comparison;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.ModulePlasticity;
import dev.perennial.schemas.v1.Plasticity;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.verdict.Confidence;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts (the training loss
 * curve, the metric deltas against the incumbent, the key's ACC, BWT, FWT and forgetting by exact
 * match across its releases), the gates with n, estimate and interval, the score matrices (exact
 * match, and likelihood labelled as such), no script, nothing fetched. Canaries are named by label,
 * never by secret.
 */
public final class HtmlReport {

  /** The reports' inline style sheet. */
  public static final String STYLE =
      "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}"
          + "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}"
          + "table{border-collapse:collapse;margin:.5em 0}"
          + "td,th{border:1px solid #ddd;padding:3px 8px;text-align:right;font-size:.9em}"
          + "th{background:#f5f5f5}td.l,th.l{text-align:left}"
          + ".ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}"
          + ".verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff}"
          + ".pass{background:#1a7f37}.fail{background:#c62828}.undecided{background:#b26a00}"
          + ".muted{color:#777}.wait{color:#b26a00;font-weight:600}"
          + "code{font-size:.9em}";

  private HtmlReport() {}

  public static String render(EvaluationReport report) {
    AdapterCandidate candidate = report.candidate();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>")
        .append(esc("Evaluation of " + candidate.getCandidateId()))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body>");
    html.append("<h1>")
        .append(esc(candidate.getAdapterKey()))
        .append(" &mdash; ")
        .append(badge(report.outcome()))
        .append("</h1>");
    html.append("<p>Candidate <code>")
        .append(esc(candidate.getCandidateId()))
        .append("</code>, ")
        .append(
            report.incumbentVersion() == null
                ? "no incumbent (the key's first release would be this one)"
                : "compared with the stable release v" + report.incumbentVersion())
        .append(", base <code>")
        .append(esc(report.baseModelName()))
        .append("</code>. Evaluated ")
        .append(esc(report.evaluatedAt().toString()))
        .append(" by ")
        .append(esc(report.evaluator()))
        .append(String.format(Locale.ROOT, " in %.1f s.", report.seconds()))
        .append("</p>");
    if (report.reason() != null && !report.passed()) {
      html.append("<p>").append(esc(capitalized(report.reason()))).append(".</p>");
    }
    if (report.problem() != null) {
      html.append("<p class=\"bad\">").append(esc(report.problem())).append("</p>");
    }
    for (String note : report.notes()) {
      html.append("<p class=\"muted\">").append(esc(note)).append("</p>");
    }
    gates(html, report.gates());
    html.append("<h2>Training</h2>");
    html.append(lossCurve(candidate));
    lineage(html, candidate);
    plasticity(html, candidate);
    if (!report.comparisons().isEmpty()) {
      html.append("<h2>Against the incumbent and the base</h2>");
      html.append(deltas(report));
      comparisons(html, report.comparisons());
    }
    if (!report.canaries().isEmpty()) {
      canaries(html, report.canaries());
    }
    if (!report.rewardMargins().isEmpty()) {
      rewardMargins(html, report);
    }
    if (report.matrix() != null) {
      html.append("<h2>Continual learning across the key's releases (exact match)</h2>");
      html.append(measureChart(report.measureHistory()));
      html.append(
          "<p class=\"muted\">R[i][j]: exact match of the greedy answers to task j's held-out"
              + " short-answer questions after update i (task general: the base's general set)."
              + " ACC = mean of the last row; BWT = mean of R[T][j] - R[j][j] (negative:"
              + " forgetting); FWT = mean of R[j-1][j] - R[0][j]; forgetting = mean of best-ever"
              + " minus last. A task without short-answer questions has no exact match (&ndash;)."
              + "</p>");
      matrix(html, report.matrix());
    }
    if (report.likelihoodMatrix() != null) {
      html.append("<h3>Likelihood (not exact match)</h3>")
          .append("<p class=\"muted\">The same matrix by per-token likelihood exp(-loss) of")
          .append(" each task's expected text: it rises as a model finds the text less")
          .append(" surprising, well before its greedy answers are right.</p>");
      likelihoodMeasures(html, report.measureHistory());
      matrix(html, report.likelihoodMatrix());
    }
    metrics(html, report.metrics());
    html.append("</body></html>\n");
    return html.toString();
  }

  private static void gates(StringBuilder html, List<Gate> gates) {
    html.append("<h2>Gates</h2><table><tr><th class=\"l\">gate</th><th>n</th>")
        .append("<th>estimate</th><th>interval</th><th></th><th>threshold</th>")
        .append("<th class=\"l\">decided at</th><th class=\"l\">outcome</th></tr>");
    for (Gate gate : gates) {
      boolean statistical = gate.getConfidence() != null;
      html.append("<tr><td class=\"l\">")
          .append(esc(gate.getName()))
          .append("</td><td>")
          .append(gate.getN() == null ? "&ndash;" : gate.getN().toString())
          .append("</td><td>")
          .append(num(gate.getValue()))
          .append("</td><td>")
          .append(statistical ? interval(gate) : "&ndash;")
          .append("</td><td>")
          .append(esc(GateOutcomes.symbol(gate.getComparator())))
          .append("</td><td>")
          .append(num(gate.getThreshold()))
          .append("</td><td class=\"l\">")
          .append(statistical ? esc(bound(gate)) : "the value")
          .append("</td><td class=\"l ")
          .append(outcomeCell(Outcomes.of(gate)))
          .append("</td></tr>");
    }
    html.append("</table>")
        .append("<p class=\"muted\">A statistical gate measures its effect on paired items (the")
        .append(" same examples or questions under the candidate and the model it is compared")
        .append(" with) with a seeded bootstrap interval: it passes when the whole interval is on")
        .append(" the threshold's right side, fails when the whole interval is on its wrong side,")
        .append(" and has insufficient evidence when the interval straddles the threshold.</p>");
  }

  /** {@code [0.3, 0.52]}, or why there are no bounds to show ({@code too few items}). */
  private static String interval(Gate gate) {
    GateInterval kind = GateInterval.of(gate);
    return kind == GateInterval.BOUNDED
        ? "[" + limit(gate.getLower()) + ", " + limit(gate.getUpper()) + "]"
        : kind.shown();
  }

  private static String limit(double bound) {
    if (Double.isInfinite(bound)) {
      return bound > 0 ? "&infin;" : "&minus;&infin;";
    }
    return num(bound);
  }

  /**
   * {@code lower bound, 95 %}; for a gate without an interval, why none decided it ({@code no
   * bound: too few items}), as the JSON report's interval says.
   */
  private static String bound(Gate gate) {
    GateInterval kind = GateInterval.of(gate);
    if (kind != GateInterval.BOUNDED) {
      return "no bound: " + kind.shown();
    }
    String side = GateOutcomes.symbol(gate.getComparator()).startsWith(">") ? "lower" : "upper";
    return side + " bound, " + Confidence.percent(gate.getConfidence()) + " %";
  }

  private static String outcomeCell(EvaluationOutcome outcome) {
    return switch (outcome) {
      case PASSED -> "ok\">passed";
      case INSUFFICIENT_EVIDENCE -> "wait\">insufficient evidence";
      default -> "bad\">FAILED";
    };
  }

  private static String badge(EvaluationOutcome outcome) {
    return switch (outcome) {
      case PASSED -> "<span class=\"verdict pass\">PASSED</span>";
      case INSUFFICIENT_EVIDENCE ->
          "<span class=\"verdict undecided\">INSUFFICIENT EVIDENCE</span>";
      default -> "<span class=\"verdict fail\">FAILED</span>";
    };
  }

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static String lossCurve(AdapterCandidate candidate) {
    List<Integer> steps = candidate.getMetrics().getLossCurveSteps();
    List<Double> losses = candidate.getMetrics().getLossCurve();
    int n = Math.min(steps.size(), losses.size());
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = steps.get(i);
      y[i] = losses.get(i);
    }
    return Svg.lineChart(
        "Training loss",
        "optimizer step",
        "loss (nats/token)",
        List.of(new Svg.Series("training loss", Svg.COLORS[0], x, y)),
        null);
  }

  private static void lineage(StringBuilder html, AdapterCandidate candidate) {
    html.append("<table>");
    row(html, "job", candidate.getJobId());
    row(html, "trigger", String.valueOf(candidate.getTrigger()));
    row(
        html,
        "started from",
        candidate.getParentVersion() == null
            ? "a fresh adapter"
            : "v" + candidate.getParentVersion());
    row(
        html,
        "examples",
        candidate.getExampleCount()
            + " in "
            + candidate.getShards().size()
            + " shard(s), "
            + candidate.getHeldOutShards().stream().mapToInt(s -> s.getExampleCount()).sum()
            + " held out");
    row(
        html,
        "recipe",
        String.format(
            Locale.ROOT,
            "%d steps, learning rate %.3g, LoRA rank %d, seed %d",
            candidate.getMetrics().getSteps(),
            candidate.getRecipe().getLearningRate(),
            candidate.getRecipe().getLoraRank(),
            candidate.getRecipe().getSeed()));
    row(
        html,
        "loss",
        num(candidate.getMetrics().getInitialLoss())
            + " to "
            + num(candidate.getMetrics().getFinalLoss()));
    row(
        html,
        "held-out pool",
        candidate.getHeldOutPool().stream().mapToInt(ShardRef::getExampleCount).sum()
            + " examples in "
            + candidate.getHeldOutPool().size()
            + " shard(s)");
    if (!candidate.getCarriedJobs().isEmpty()) {
      row(
          html,
          "carries",
          "the data of "
              + String.join(", ", candidate.getCarriedJobs())
              + " (insufficient evidence)");
    }
    row(html, "adapter", candidate.getLocation());
    html.append("</table>");
  }

  /** The trainer's plasticity monitor: gains against the control, refresh, the weights' shape. */
  private static void plasticity(StringBuilder html, AdapterCandidate candidate) {
    Lineage lineage = candidate.getLineage();
    if (lineage == null || lineage.getPlasticity() == null) {
      return;
    }
    Plasticity p = lineage.getPlasticity();
    html.append("<h2>Plasticity (room to learn)</h2><table>");
    row(html, "update", Integer.toString(p.getUpdate()));
    row(
        html,
        "learning gain",
        orDash(p.getLearningGain()) + " nats (loss on the update's examples, before minus after)");
    row(
        html,
        "fresh-adapter control",
        p.getControlGain() == null
            ? "not trained on this update"
            : orDash(p.getControlGain()) + " nats; ratio " + orDash(p.getGainRatio()));
    row(
        html,
        "refresh due",
        p.getRefreshDue() ? "yes: the key's next job refreshes this adapter" : "no");
    if (lineage.getRefresh() != null) {
      AdapterRefreshDetails r = lineage.getRefresh();
      row(
          html,
          "refreshed",
          String.format(
              Locale.ROOT,
              "before training: %s; freed rank %d, kept >= %.4f of each module's energy",
              r.getReason(),
              r.getFreedRank(),
              r.getMinKeptEnergy()));
    }
    row(
        html,
        "weights",
        String.format(
            Locale.ROOT,
            "mean effective rank of B\u00b7A %.2f, norm of A and B %.4g, norm of the change %.4g",
            p.getEffectiveRank(),
            p.getWeightNorm(),
            p.getProductNorm()));
    html.append("</table>");
    html.append("<table><tr><th class=\"l\">module</th><th>|A|</th><th>|B|</th>")
        .append("<th>|scaling\u00b7B\u00b7A|</th><th>effective rank</th></tr>");
    for (ModulePlasticity m : p.getModules()) {
      html.append("<tr><td class=\"l\">")
          .append(esc(m.getPath()))
          .append("</td><td>")
          .append(num(m.getNormA()))
          .append("</td><td>")
          .append(num(m.getNormB()))
          .append("</td><td>")
          .append(num(m.getProductNorm()))
          .append("</td><td>")
          .append(num(m.getEffectiveRank()))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private static String orDash(Double value) {
    return value == null ? "\u2013" : num(value);
  }

  private static void row(StringBuilder html, String name, String value) {
    html.append("<tr><th class=\"l\">")
        .append(esc(name))
        .append("</th><td class=\"l\">")
        .append(esc(value))
        .append("</td></tr>");
  }

  private static String deltas(EvaluationReport report) {
    List<Svg.Bar> bars = new ArrayList<>();
    for (Comparison comparison : report.comparisons()) {
      double delta =
          report.incumbentVersion() == null
              ? comparison.improvementOverBase()
              : comparison.improvementOverIncumbent();
      bars.add(new Svg.Bar(comparison.metric(), delta));
    }
    return Svg.deltaBars(
        report.incumbentVersion() == null
            ? "Change against the base (positive is better)"
            : "Change against v" + report.incumbentVersion() + " (positive is better)",
        bars);
  }

  private static void comparisons(StringBuilder html, List<Comparison> comparisons) {
    html.append("<table><tr><th class=\"l\">measure</th><th>candidate</th><th>incumbent</th>")
        .append("<th>base</th><th class=\"l\">better</th></tr>");
    for (Comparison comparison : comparisons) {
      html.append("<tr><td class=\"l\">")
          .append(esc(comparison.metric()))
          .append("</td><td>")
          .append(num(comparison.candidate()))
          .append("</td><td>")
          .append(num(comparison.incumbent()))
          .append("</td><td>")
          .append(num(comparison.base()))
          .append("</td><td class=\"l\">")
          .append(comparison.higherIsBetter() ? "higher" : "lower")
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private static void rewardMargins(StringBuilder html, EvaluationReport report) {
    String reference =
        report.incumbentVersion() == null ? "the base" : "v" + report.incumbentVersion();
    html.append("<h2>Feedback (held-out preference pairs)</h2>")
        .append("<p class=\"muted\">Each pair's implicit reward margin against ")
        .append(esc(reference))
        .append(": beta [(log pi(chosen) - log ref(chosen)) - (log pi(rejected) - log")
        .append(" ref(rejected))], beta 0.1. Above 0 (green) the candidate prefers the chosen")
        .append(" answer more than the reference does.</p>");
    html.append(
        Svg.histogram(
            "Reward margins of " + report.rewardMargins().size() + " pairs against " + reference,
            "reward margin",
            report.rewardMargins(),
            20));
  }

  private static void canaries(StringBuilder html, List<CanaryExposure> canaries) {
    html.append("<h2>Leakage (secret-sharer exposure)</h2>")
        .append("<p class=\"muted\">exposure = log2(candidates) - log2(rank of the secret among")
        .append(" random controls of its shape); a model that never saw a secret reaches t bits")
        .append(" with probability about 2^-t. Other tenants' canaries are gated, the tenant's")
        .append(" own are shown for reference.</p>")
        .append("<table><tr><th class=\"l\">canary</th><th class=\"l\">whose</th><th>rank</th>")
        .append("<th>exposure (bits)</th><th>base (bits)</th></tr>");
    for (CanaryExposure canary : canaries) {
      html.append("<tr><td class=\"l\">")
          .append(esc(canary.label()))
          .append("</td><td class=\"l\">")
          .append(canary.own() ? "own tenant" : "other tenant")
          .append("</td><td>")
          .append(canary.exposure().rank())
          .append(" of ")
          .append(canary.exposure().candidates())
          .append("</td><td>")
          .append(num(canary.exposure().bits()))
          .append("</td><td>")
          .append(num(canary.baseBits()))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private static String measureChart(List<MeasurePoint> points) {
    int n = points.size();
    double[] x = new double[n];
    double[] acc = new double[n];
    double[] bwt = new double[n];
    double[] fwt = new double[n];
    double[] forgetting = new double[n];
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      x[i] = i;
      acc[i] = points.get(i).measures().acc();
      bwt[i] = points.get(i).measures().bwt();
      fwt[i] = points.get(i).measures().fwt();
      forgetting[i] = points.get(i).measures().forgetting();
      labels.add(points.get(i).label());
    }
    return Svg.lineChart(
        "ACC, BWT, FWT and forgetting after each update (exact match)",
        "update",
        "score",
        List.of(
            new Svg.Series("ACC", Svg.COLORS[0], x, acc),
            new Svg.Series("BWT", Svg.COLORS[1], x, bwt),
            new Svg.Series("FWT", Svg.COLORS[2], x, fwt),
            new Svg.Series("forgetting", Svg.COLORS[3], x, forgetting)),
        labels);
  }

  private static void likelihoodMeasures(StringBuilder html, List<MeasurePoint> points) {
    html.append("<table><tr><th class=\"l\">after</th><th>ACC</th><th>BWT</th><th>FWT</th>")
        .append("<th>forgetting</th></tr>");
    for (MeasurePoint point : points) {
      html.append("<tr><th class=\"l\">")
          .append(esc(point.label()))
          .append("</th><td>")
          .append(num(point.likelihood().acc()))
          .append("</td><td>")
          .append(num(point.likelihood().bwt()))
          .append("</td><td>")
          .append(num(point.likelihood().fwt()))
          .append("</td><td>")
          .append(num(point.likelihood().forgetting()))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  /** A score matrix as a table whose cells are shaded by their value in [0, 1] (a heat map). */
  public static void matrix(StringBuilder html, ScoreMatrix matrix) {
    html.append("<table><tr><th class=\"l\">after \\ task</th>");
    for (String task : matrix.tasks()) {
      html.append("<th>").append(esc(task)).append("</th>");
    }
    html.append("</tr>");
    for (int i = 0; i < matrix.size(); i++) {
      html.append("<tr><th class=\"l\">").append(esc(matrix.rows().get(i))).append("</th>");
      for (int j = 0; j < matrix.tasks().size(); j++) {
        double value = matrix.get(i, j);
        html.append("<td");
        if (Double.isFinite(value)) {
          int shade = (int) Math.round(255 - 90 * Math.max(0, Math.min(1, value)));
          html.append(
              String.format(Locale.ROOT, " style=\"background:rgb(%d,255,%d)\"", shade, shade));
        }
        html.append(">").append(num(value)).append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</table>");
  }

  private static void metrics(StringBuilder html, Map<String, Double> metrics) {
    html.append("<h2>Every metric</h2><table><tr><th class=\"l\">metric</th><th>value</th></tr>");
    metrics.forEach(
        (name, value) ->
            html.append("<tr><td class=\"l\">")
                .append(esc(name))
                .append("</td><td>")
                .append(num(value))
                .append("</td></tr>"));
    html.append("</table>");
  }

  private static String num(double value) {
    if (!Double.isFinite(value)) {
      return "&ndash;";
    }
    return String.format(Locale.ROOT, "%.4g", value);
  }

  private static String esc(String text) {
    return Html.escape(text);
  }
}
