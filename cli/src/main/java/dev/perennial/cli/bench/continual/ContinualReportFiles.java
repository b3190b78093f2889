package dev.perennial.cli.bench.continual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.PerennialException;
import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.evaluator.report.Html;
import dev.perennial.evaluator.report.HtmlReport;
import dev.perennial.evaluator.report.Svg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Writes the benchmark's report as {@value #JSON} (every run's rows and matrices, every summary)
 * and {@value #HTML} (the evaluator report's style: summary table, goals, curves across updates,
 * and each run's score matrix as a heat map).
 */
public final class ContinualReportFiles {

  public static final String JSON = "continual.json";
  public static final String HTML = "index.html";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ContinualReportFiles() {}

  /** Writes both files into {@code folder} (created); returns the HTML page. */
  public static Path write(ContinualReport report, Path folder) {
    try {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(JSON), json(report), StandardCharsets.UTF_8);
      Path page = folder.resolve(HTML);
      Files.writeString(page, html(report), StandardCharsets.UTF_8);
      return page;
    } catch (IOException e) {
      throw new PerennialException("Cannot write the report to " + folder + ": " + e, e);
    }
  }

  static String json(ContinualReport report) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", "perennial.bench.continual/v1");
    ContinualBenchmark.Settings settings = report.settings();
    ObjectNode s = root.putObject("settings");
    s.put("updates", settings.updates());
    s.put("seed", settings.seed());
    s.put("tenants", settings.tenants());
    s.put("newEntitiesPerUpdate", settings.shape().newEntities());
    s.put("generalChangesPerUpdate", settings.shape().generalChanges());
    s.put("ownChangesPerUpdate", settings.shape().ownChanges());
    s.put("repeatsPerUpdate", settings.shape().repeats());
    s.put("jointEveryUpdate", settings.jointEveryUpdate());
    s.put("feedbackMix", settings.feedbackMix().label());
    ArrayNode variants = s.putArray("variants");
    settings.variants().forEach(v -> variants.add(v.label()));
    root.put("base", report.base());
    root.put("generalQuestions", report.generalQuestions());
    root.put("seconds", report.seconds());
    ObjectNode recipe = root.putObject("recipe");
    recipe.put("epochs", report.recipe().epochs());
    recipe.put("maxSteps", report.recipe().maxSteps());
    recipe.put("batchSize", report.recipe().model().batchSize());
    recipe.put("learningRate", report.recipe().model().learningRate());
    recipe.put("replayFraction", report.recipe().model().replayFraction());
    recipe.put("replayTenantShare", report.recipe().replayTenantShare());
    recipe.put("replayPoolSize", report.recipe().replayPoolSize());
    recipe.put("validationFraction", report.recipe().validationFraction());
    recipe.put("earlyStoppingPatienceEpochs", report.recipe().patience());
    recipe.put("loraRank", report.recipe().freshLora().rank());
    // the figures are deterministic for the recipe's seed and CPU thread count
    recipe.put("seed", report.recipe().model().seed());
    recipe.put("threads", report.recipe().model().threads());
    // and for the thread count the rows are scored at (ContinualBenchmark.scoringThreads)
    root.put("scoringThreads", report.scoringThreads());
    ArrayNode summaries = root.putArray("summaries");
    for (ContinualReport.Summary summary : report.summaries()) {
      ObjectNode node = summaries.addObject();
      node.put("variant", summary.variant().label());
      measures(node.putObject("exactMatch"), summary.exactMatch());
      measures(node.putObject("exactMatchHeldOut"), summary.heldOut());
      measures(node.putObject("likelihood"), summary.likelihood());
      number(node, "knowledgeUpdateAccuracy", summary.knowledgeUpdate());
      number(node, "knowledgeUpdateOldValue", summary.knowledgeUpdateOldValue());
      number(node, "generalExactMatch", summary.generalExactMatch());
      number(node, "generalDrop", summary.generalDrop());
      number(node, "worstGeneralDrop", summary.worstGeneralDrop());
      number(node, "generalPerplexity", summary.generalPerplexity());
      number(node, "learningGainFirst", summary.firstGain());
      number(node, "learningGainLast", summary.lastGain());
      number(node, "learningGainRatio", summary.gainRatio());
      node.put("trainingTokens", summary.tokens());
      node.put("trainingSteps", summary.steps());
      node.put("searchTrialSteps", summary.trialSteps());
      number(node, "trainingSeconds", summary.trainingSeconds());
      number(node, "evaluationSeconds", summary.evaluationSeconds());
    }
    ArrayNode runs = root.putArray("runs");
    for (Run run : report.runs()) {
      ObjectNode node = runs.addObject();
      node.put("variant", run.variant().label());
      node.put("tenant", run.tenant());
      matrix(node.putObject("exactMatch"), run.exactMatch());
      matrix(node.putObject("exactMatchHeldOut"), run.exactMatchHeldOut());
      matrix(node.putObject("likelihood"), run.likelihood());
      ArrayNode rows = node.putArray("rows");
      for (Row row : run.rows()) {
        ObjectNode r = rows.addObject();
        r.put("update", row.update());
        r.put("measured", row.measured());
        number(r, "generalExactMatch", row.generalExactMatch());
        number(r, "generalLoss", row.generalLoss());
        r.put("knowledgeUpdates", row.knowledgeUpdates());
        number(r, "knowledgeUpdateAccuracy", row.knowledgeUpdateAccuracy());
        number(r, "knowledgeUpdateOldValue", row.knowledgeUpdateOldValue());
        number(r, "learningGain", run.learningGain()[row.update()]);
        number(r, "evaluationSeconds", row.evaluationSeconds());
        ArrayNode misses = r.putArray("generalMisses");
        row.generalMisses().forEach(misses::add);
        ObjectNode suite = r.putObject("suite");
        row.suite().forEach((name, value) -> number(suite, name, value));
        Row.Training t = row.training();
        if (t != null) {
          ObjectNode training = r.putObject("training");
          training.put("examples", t.examples());
          training.put("validationExamples", t.validationExamples());
          training.put("steps", t.steps());
          training.put("plannedSteps", t.plannedSteps());
          training.put("searchTrialSteps", t.trialSteps());
          training.put("tokens", t.tokens());
          number(training, "seconds", t.seconds());
          number(training, "initialLoss", t.initialLoss());
          number(training, "finalLoss", t.finalLoss());
          ObjectNode extras = training.putObject("extras");
          t.extras().forEach(extras::put);
        }
      }
    }
    return MAPPER.writeValueAsString(root) + "\n";
  }

  /**
   * The runs of a report {@link #write} wrote into {@code folder}: each variant's and tenant's
   * score matrices, for comparing runs after the fact ({@link RunComparison}).
   */
  public static List<StoredRun> readRuns(Path folder) {
    Path file = folder.resolve(JSON);
    try {
      JsonNode root = MAPPER.readTree(file.toFile());
      if (!"perennial.bench.continual/v1".equals(root.path("format").asText())) {
        throw new PerennialException(file + " is not a perennial bench continual report");
      }
      JsonNode settings = root.path("settings");
      StoredRun.Stream stream =
          new StoredRun.Stream(
              settings.path("seed").asLong(),
              settings.path("newEntitiesPerUpdate").asInt(),
              settings.path("feedbackMix").asText());
      List<StoredRun> runs = new ArrayList<>();
      for (JsonNode run : root.path("runs")) {
        boolean allMeasured = true;
        for (JsonNode row : run.path("rows")) {
          allMeasured &= row.path("measured").asBoolean();
        }
        runs.add(
            new StoredRun(
                run.path("variant").asText(),
                run.path("tenant").asText(),
                stream,
                allMeasured,
                matrix(run.path("exactMatch")),
                matrix(run.path("exactMatchHeldOut"))));
      }
      return runs;
    } catch (IOException e) {
      throw new PerennialException("Cannot read " + file + ": " + e, e);
    }
  }

  private static ScoreMatrix matrix(JsonNode node) {
    List<String> tasks = new ArrayList<>();
    node.path("tasks").forEach(t -> tasks.add(t.asText()));
    List<String> rows = new ArrayList<>();
    node.path("rows").forEach(r -> rows.add(r.asText()));
    double[][] values = new double[rows.size()][];
    int i = 0;
    for (JsonNode row : node.path("values")) {
      values[i] = new double[tasks.size()];
      int j = 0;
      for (JsonNode value : row) {
        values[i][j++] = value.isNumber() ? value.asDouble() : Double.NaN;
      }
      i++;
    }
    return new ScoreMatrix(tasks, rows, values);
  }

  private static void measures(ObjectNode node, ContinualMeasures measures) {
    number(node, "acc", measures.acc());
    number(node, "bwt", measures.bwt());
    number(node, "fwt", measures.fwt());
    number(node, "forgetting", measures.forgetting());
  }

  private static void matrix(ObjectNode node, ScoreMatrix matrix) {
    ArrayNode tasks = node.putArray("tasks");
    matrix.tasks().forEach(tasks::add);
    ArrayNode rows = node.putArray("rows");
    matrix.rows().forEach(rows::add);
    ArrayNode values = node.putArray("values");
    for (double[] row : matrix.values()) {
      ArrayNode line = values.addArray();
      for (double value : row) {
        if (Double.isNaN(value)) {
          line.addNull();
        } else {
          line.add(value);
        }
      }
    }
  }

  private static void number(ObjectNode node, String name, double value) {
    if (Double.isFinite(value)) {
      node.put(name, value);
    } else {
      node.putNull(name);
    }
  }

  static String html(ContinualReport report) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Continual learning benchmark</title><style>")
        .append(HtmlReport.STYLE)
        .append("</style></head><body>");
    List<String> lines = report.lines();
    html.append("<h1>Continual learning benchmark</h1><p>")
        .append(esc(lines.get(0)))
        .append(". Each update is trained by the trainer's job training and measured by the")
        .append(" evaluator's suites and by world-truth probes of every fact, answered greedily")
        .append(" and scored by exact match (EM).</p>");
    summaryTable(html, report);
    if (report.settings().variants().contains(Variant.PRODUCTION)) {
      html.append("<pre>")
          .append(esc(String.join("\n", ContinualReport.goals(report.summary(Variant.PRODUCTION)))))
          .append("</pre>");
    }
    html.append("<h2>Across updates</h2>");
    html.append(curve(report, "ACC (EM, trained phrasings) after each update", "ACC", r -> acc(r)));
    html.append(
        curve(
            report,
            "EM on each update's own facts right after it (R[i][i])",
            "EM",
            r -> diagonal(r)));
    html.append(curve(report, "Learning gain R[i][i] - R[i-1][i]", "gain", Run::learningGain));
    html.append(
        curve(
            report,
            "General EM (facts no update changes)",
            "EM",
            r -> perRow(r, Row::generalExactMatch)));
    html.append(
        curve(
            report,
            "Knowledge-update accuracy (changed facts, newest value)",
            "share",
            r -> perRow(r, Row::knowledgeUpdateAccuracy)));
    for (Run run : report.runs()) {
      html.append("<h2>")
          .append(esc(run.variant().description() + ", " + run.tenant()))
          .append("</h2>");
      html.append("<p class=\"muted\">R[i][j] by EM in trained phrasings: row i = after update i")
          .append(" (base = before any), task j = the facts update j taught (general = the base's")
          .append(" general set). Cells after the diagonal + 1 are not measured.</p>");
      HtmlReport.matrix(html, run.exactMatch());
      html.append("<p class=\"muted\">The same by EM in held-out phrasings, and by likelihood")
          .append(" exp(-loss) of the trained answers (not exact match).</p>");
      HtmlReport.matrix(html, run.exactMatchHeldOut());
      HtmlReport.matrix(html, run.likelihood());
      html.append("<pre>")
          .append(esc(String.join("\n", ContinualReport.updateTable(run))))
          .append("</pre>");
    }
    html.append("</body></html>\n");
    return html.toString();
  }

  private static void summaryTable(StringBuilder html, ContinualReport report) {
    html.append("<h2>Summary after the last update</h2><table><tr><th class=\"l\">variant</th>")
        .append("<th>ACC</th><th>ACC held-out</th><th>BWT</th><th>FWT</th><th>forgetting</th>")
        .append("<th>KU</th><th>KU old value</th><th>general EM</th><th>general drop</th>")
        .append("<th>gain last/first</th><th>ACC (likelihood)</th><th>tokens</th>")
        .append("<th>training s</th></tr>");
    for (ContinualReport.Summary s : report.summaries()) {
      html.append("<tr><td class=\"l\">").append(esc(s.variant().description())).append("</td>");
      for (double value :
          new double[] {
            s.exactMatch().acc(),
            s.heldOut().acc(),
            s.exactMatch().bwt(),
            s.exactMatch().fwt(),
            s.exactMatch().forgetting(),
            s.knowledgeUpdate(),
            s.knowledgeUpdateOldValue(),
            s.generalExactMatch(),
            s.generalDrop(),
            s.gainRatio(),
            s.likelihood().acc()
          }) {
        html.append("<td>").append(esc(ContinualReport.f(value))).append("</td>");
      }
      html.append("<td>")
          .append(String.format(Locale.ROOT, "%,d", s.tokens()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.0f", s.trainingSeconds()))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private interface Series {
    double[] of(Run run);
  }

  private static String curve(ContinualReport report, String title, String yLabel, Series series) {
    List<Svg.Series> lines = new ArrayList<>();
    int color = 0;
    for (Run run : report.runs()) {
      double[] y = series.of(run);
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = i;
      }
      String name =
          report.settings().tenants() == 1
              ? run.variant().label()
              : run.variant().label() + " " + run.tenant();
      lines.add(new Svg.Series(name, Svg.COLORS[color++ % Svg.COLORS.length], x, y));
    }
    List<String> ticks = new ArrayList<>();
    for (int i = 0; i <= report.settings().updates(); i++) {
      ticks.add(i == 0 ? "base" : Integer.toString(i));
    }
    return Svg.lineChart(title, "update", yLabel, lines, ticks);
  }

  private static double[] acc(Run run) {
    ScoreMatrix r = run.exactMatch();
    double[] acc = new double[run.rows().size()];
    for (int i = 0; i < acc.length; i++) {
      acc[i] =
          run.rows().get(i).measured()
              ? ContinualMeasures.of(ContinualReport.upTo(r, i)).acc()
              : Double.NaN;
    }
    return acc;
  }

  private static double[] diagonal(Run run) {
    ScoreMatrix r = run.exactMatch();
    double[] diagonal = new double[run.rows().size()];
    diagonal[0] = Double.NaN;
    for (int i = 1; i < diagonal.length; i++) {
      diagonal[i] = r.get(i, i);
    }
    return diagonal;
  }

  private static double[] perRow(Run run, ToDoubleFunction<Row> value) {
    return run.rows().stream().mapToDouble(value).toArray();
  }

  private static String esc(String text) {
    return Html.escape(text);
  }
}
