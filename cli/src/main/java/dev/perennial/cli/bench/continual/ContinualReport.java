package dev.perennial.cli.bench.continual;

import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.trainer.worker.JobRecipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What {@code perennial bench continual} measured: every run (variant x tenant) with its rows, and
 * per variant the measures averaged over tenants, checked against the goals of a recipe that
 * learns.
 *
 * @param generalQuestions questions of the general set asked (those about facts no stream changes)
 * @param scoringThreads the intra-op thread count every row was scored at
 */
public record ContinualReport(
    ContinualBenchmark.Settings settings,
    String base,
    JobRecipe recipe,
    int generalQuestions,
    List<Run> runs,
    double seconds,
    int scoringThreads) {

  /** Goals of the production recipe on the default stream (issue 11, section 2). */
  static final double GOAL_ACC = 0.9;

  static final double GOAL_HELD_OUT_ACC = 0.5;
  static final double GOAL_FORGETTING = 0.05;
  static final double GOAL_GENERAL_DROP = 0.02;
  static final double GOAL_KNOWLEDGE_UPDATE = 0.9;
  static final double GOAL_GAIN_RATIO = 0.9;

  public ContinualReport {
    runs = List.copyOf(runs);
  }

  /** A variant's figures, each the mean over its tenants' runs. */
  public record Summary(
      Variant variant,
      ContinualMeasures exactMatch,
      ContinualMeasures heldOut,
      ContinualMeasures likelihood,
      double knowledgeUpdate,
      double knowledgeUpdateOldValue,
      double generalExactMatch,
      double generalDrop,
      double worstGeneralDrop,
      double generalPerplexity,
      double firstGain,
      double lastGain,
      double gainRatio,
      long tokens,
      int steps,
      int trialSteps,
      double trainingSeconds,
      double evaluationSeconds) {}

  /** One summary per variant, in the order they ran. */
  public List<Summary> summaries() {
    List<Summary> summaries = new ArrayList<>();
    for (Variant variant : settings.variants()) {
      List<Run> of = runs.stream().filter(run -> run.variant() == variant).toList();
      summaries.add(
          new Summary(
              variant,
              mean(of, Run::exactMatch),
              mean(of, Run::exactMatchHeldOut),
              mean(of, Run::likelihood),
              meanOf(of, run -> run.last().knowledgeUpdateAccuracy()),
              meanOf(of, run -> run.last().knowledgeUpdateOldValue()),
              meanOf(of, run -> run.last().generalExactMatch()),
              meanOf(of, Run::generalDrop),
              meanOf(of, Run::worstGeneralDrop),
              meanOf(of, run -> run.last().generalPerplexity()),
              meanOf(of, run -> run.learningGain()[1]),
              meanOf(of, run -> run.learningGain()[run.updates()]),
              meanOf(of, Run::learningGainRatio),
              of.stream().mapToLong(Run::trainingTokens).sum(),
              of.stream().mapToInt(Run::trainingSteps).sum(),
              of.stream().mapToInt(Run::trialSteps).sum(),
              of.stream().mapToDouble(Run::trainingSeconds).sum(),
              of.stream().mapToDouble(Run::evaluationSeconds).sum()));
    }
    return summaries;
  }

  public Summary summary(Variant variant) {
    return summaries().stream()
        .filter(s -> s.variant() == variant)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(variant + " did not run"));
  }

  /** The console table: the production recipe's updates, every variant's summary, the goals. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "perennial bench continual: %d updates x %d tenant(s), seed %d, base %s, %d general"
                + " questions; %.0f s",
            settings.updates(),
            settings.tenants(),
            settings.seed(),
            base,
            generalQuestions,
            seconds));
    for (Run run : runs) {
      if (run.variant() == settings.variants().get(0)) {
        lines.add("");
        lines.addAll(updateTable(run));
      }
    }
    lines.add("");
    lines.add(
        "Summary after the last update (EM: exact match of greedy answers to world-truth probes;"
            + " mean over tenants)");
    lines.add(
        String.format(
            Locale.ROOT,
            "%-11s %6s %6s %6s %6s %6s %6s %6s %6s %6s %7s %9s %8s %10s %8s",
            "variant",
            "ACC",
            "ACC-ho",
            "BWT",
            "FWT",
            "forget",
            "KU",
            "KU-old",
            "gen.EM",
            "g.drop",
            "gain",
            "ACC(lik)",
            "tokens",
            "steps",
            "train s"));
    for (Summary s : summaries()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%-11s %6s %6s %6s %6s %6s %6s %6s %6s %6s %7s %9s %8s %10s %8.0f",
              s.variant().label(),
              f(s.exactMatch().acc()),
              f(s.heldOut().acc()),
              signed(s.exactMatch().bwt()),
              signed(s.exactMatch().fwt()),
              f(s.exactMatch().forgetting()),
              f(s.knowledgeUpdate()),
              f(s.knowledgeUpdateOldValue()),
              f(s.generalExactMatch()),
              signed(s.generalDrop()),
              f(s.gainRatio()),
              f(s.likelihood().acc()),
              String.format(Locale.ROOT, "%,d", s.tokens()),
              s.trialSteps() == 0 ? Integer.toString(s.steps()) : s.steps() + "+" + s.trialSteps(),
              s.trainingSeconds()));
    }
    lines.add(
        "ACC, BWT, FWT, forget: over tasks 0..T of R[i][j] by EM in trained phrasings (ACC-ho:"
            + " held-out phrasings; ACC(lik): by likelihood exp(-loss)); KU:"
            + " changed facts answered with the newest value (KU-old: with the old one); g.drop:"
            + " general EM of the base minus the last update's; gain: learning gain of the last"
            + " update / the first's; steps: optimizer steps of the candidates (+ the recipe"
            + " search's trials; tokens and train s count the candidates only).");
    if (settings.variants().contains(Variant.PRODUCTION)) {
      lines.add("");
      lines.addAll(goals(summary(Variant.PRODUCTION)));
    }
    return lines;
  }

  /** The production recipe's figures against the goals of a recipe that learns. */
  static List<String> goals(Summary s) {
    List<String> lines = new ArrayList<>();
    lines.add("Goals of the production recipe:");
    lines.add(goal("ACC (EM, trained phrasings)", s.exactMatch().acc(), ">=", GOAL_ACC));
    lines.add(goal("ACC (EM, held-out phrasings)", s.heldOut().acc(), ">=", GOAL_HELD_OUT_ACC));
    lines.add(goal("Forgetting", s.exactMatch().forgetting(), "<=", GOAL_FORGETTING));
    lines.add(goal("general EM drop", s.generalDrop(), "<=", GOAL_GENERAL_DROP));
    lines.add(goal("knowledge-update accuracy", s.knowledgeUpdate(), ">=", GOAL_KNOWLEDGE_UPDATE));
    lines.add(goal("learning gain, last / first", s.gainRatio(), ">=", GOAL_GAIN_RATIO));
    return lines;
  }

  private static String goal(String name, double value, String comparator, double threshold) {
    boolean met =
        !Double.isNaN(value) && (comparator.equals(">=") ? value >= threshold : value <= threshold);
    return String.format(
        Locale.ROOT,
        "  %-30s %7s %s %.2f  %s",
        name,
        f(value),
        comparator,
        threshold,
        met ? "met" : "MISSED");
  }

  /** Per update of one run: training, the new task's EM, general retention, knowledge updates. */
  static List<String> updateTable(Run run) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%s, %s: per update (R[i][i] = EM on the update's own facts, before = R[i-1][i])",
            run.variant().description(), run.tenant()));
    lines.add(
        String.format(
            Locale.ROOT,
            "%6s %14s %9s %7s %6s %6s %6s %6s %6s %6s %7s %6s %6s",
            "update",
            "steps/planned",
            "tokens",
            "train s",
            "EM new",
            "before",
            "held",
            "ACC",
            "forget",
            "gen.EM",
            "gen.ppl",
            "KU",
            "eval s"));
    ScoreMatrix r = run.exactMatch();
    for (Row row : run.rows()) {
      int i = row.update();
      if (!row.measured()) {
        continue;
      }
      ContinualMeasures after = ContinualMeasures.of(upTo(r, i));
      Row.Training t = row.training();
      lines.add(
          String.format(
              Locale.ROOT,
              "%6s %14s %9s %7s %6s %6s %6s %6s %6s %6s %7.3f %6s %6.1f",
              i == 0 ? "base" : Integer.toString(i),
              t == null ? "" : t.steps() + "/" + t.plannedSteps(),
              t == null ? "" : String.format(Locale.ROOT, "%,d", t.tokens()),
              t == null ? "" : String.format(Locale.ROOT, "%.1f", t.seconds()),
              i == 0 ? "" : f(r.get(i, i)),
              i == 0 ? "" : f(r.get(i - 1, i)),
              i == 0 ? "" : f(row.emHeldOut()[i]),
              f(after.acc()),
              f(after.forgetting()),
              f(row.generalExactMatch()),
              row.generalPerplexity(),
              row.knowledgeUpdates() == 0 ? "" : f(row.knowledgeUpdateAccuracy()),
              row.evaluationSeconds()));
    }
    return lines;
  }

  /** One line per measured row while the benchmark runs. */
  static String progressLine(String label, Row row) {
    int i = row.update();
    Row.Training t = row.training();
    String searched =
        t.trialSteps() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                " (after %d trial steps, search chose %s: %s)",
                t.trialSteps(),
                t.extras().get("searchWinner"),
                t.extras().get("searchedRecipe"));
    return String.format(
        Locale.ROOT,
        "%s: %d of %d planned steps%s, EM on its facts %s (held-out phrasing %s),"
            + " general EM %s, knowledge updates %s%s, evaluated in %.1f s",
        label,
        t.steps(),
        t.plannedSteps(),
        searched,
        f(row.emTrained()[i]),
        f(row.emHeldOut()[i]),
        f(row.generalExactMatch()),
        row.knowledgeUpdates() == 0 ? "-" : f(row.knowledgeUpdateAccuracy()),
        monitor(t.extras()),
        row.evaluationSeconds());
  }

  /** The plasticity monitor's figures on an update, as the progress line shows them. */
  private static String monitor(Map<String, String> extras) {
    StringBuilder line = new StringBuilder();
    if (extras.containsKey("monitorGain")) {
      line.append(", loss gain ").append(extras.get("monitorGain")).append(" nats");
    }
    if (extras.containsKey("monitorGainRatio")) {
      line.append(" (control ")
          .append(extras.get("monitorControlGain"))
          .append(", ratio ")
          .append(extras.get("monitorGainRatio"))
          .append(extras.containsKey("monitorRefreshDue") ? ", refresh due" : "")
          .append(')');
    }
    if (extras.containsKey("monitorRefreshed")) {
      line.append(", refreshed before training (")
          .append(extras.get("monitorRefreshed"))
          .append(')');
    }
    return line.toString();
  }

  /** Rows and tasks 0..last of a matrix: the measures as they stood after update {@code last}. */
  static ScoreMatrix upTo(ScoreMatrix r, int last) {
    double[][] values = new double[last + 1][];
    for (int i = 0; i <= last; i++) {
      values[i] = java.util.Arrays.copyOf(r.values()[i], last + 1);
    }
    return new ScoreMatrix(r.tasks().subList(0, last + 1), r.rows().subList(0, last + 1), values);
  }

  private static ContinualMeasures mean(
      List<Run> runs, java.util.function.Function<Run, ScoreMatrix> matrix) {
    List<ContinualMeasures> all =
        runs.stream().map(run -> run.measures(matrix.apply(run))).toList();
    return new ContinualMeasures(
        meanOf(all, ContinualMeasures::acc),
        meanOf(all, ContinualMeasures::bwt),
        meanOf(all, ContinualMeasures::fwt),
        meanOf(all, ContinualMeasures::forgetting));
  }

  private static <T> double meanOf(List<T> items, ToDoubleFunction<T> value) {
    double sum = 0;
    int count = 0;
    for (T item : items) {
      double v = value.applyAsDouble(item);
      if (!Double.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  static String f(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  static String signed(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%+.3f", value);
  }
}
