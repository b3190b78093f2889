package dev.perennial.evaluator.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.evaluator.area.EvaluationArea;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@value #FILE} in the evaluation area: one self-contained page listing every report there, newest
 * first, with its verdict, its failed gates and, apart, its undecided ones (insufficient evidence),
 * and key metrics, each linking to its report.
 */
public final class ReportIndex {

  public static final String FILE = "index.html";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KEY_METRICS =
      List.of(
          "learning.gain",
          "learning.taught.exact.match",
          "learning.exact.match",
          "learning.pool.examples",
          "retention.general.exact.match",
          "leakage.exposure.max",
          "cl.acc",
          "cl.bwt",
          "cl.forgetting");

  /** One report as the index lists it. */
  public record Entry(Path html, JsonNode report) {

    public String adapterKey() {
      return report.path("adapterKey").asText();
    }

    /** PASSED, FAILED or INSUFFICIENT_EVIDENCE. */
    public String verdict() {
      return report.path("verdict").asText();
    }

    public boolean passed() {
      return "PASSED".equals(verdict());
    }

    /** Neither released nor refused: insufficient evidence. */
    public boolean undecided() {
      return "INSUFFICIENT_EVIDENCE".equals(verdict());
    }

    public String evaluatedAt() {
      return report.path("evaluatedAt").asText();
    }

    /** Names of the gates that failed. */
    public List<String> failedGates() {
      return gatesWith("FAILED");
    }

    /** Names of the gates left undecided (insufficient evidence): neither passed nor failed. */
    public List<String> undecidedGates() {
      return gatesWith("INSUFFICIENT_EVIDENCE");
    }

    /** Names of the gates with this outcome. */
    private List<String> gatesWith(String outcome) {
      List<String> names = new ArrayList<>();
      for (JsonNode gate : report.path("gates")) {
        if (outcomeOf(gate).equals(outcome)) {
          names.add(gate.path("name").asText());
        }
      }
      return names;
    }

    /**
     * A gate's outcome as {@code Outcomes.of(Gate)} reads it: a report written before gates had an
     * {@code outcome} (or with UNKNOWN) has it from {@code passed}, and a gate that says PASSED
     * without {@code passed} failed.
     */
    private static String outcomeOf(JsonNode gate) {
      boolean passed = gate.path("passed").asBoolean();
      String outcome = gate.path("outcome").asText("");
      if (outcome.isEmpty() || outcome.equals("UNKNOWN")) {
        return passed ? "PASSED" : "FAILED";
      }
      return outcome.equals("PASSED") && !passed ? "FAILED" : outcome;
    }

    /**
     * {@code PASSED}, or the outcome with its failed gates and, apart, its undecided ones, as
     * verdicts and the publisher's audit events tell them apart: {@code FAILED: failed gates:
     * learning; undecided gates (insufficient evidence): evidence.rollover}.
     */
    String describe() {
      if (passed()) {
        return "PASSED";
      }
      List<String> parts = new ArrayList<>();
      if (!failedGates().isEmpty()) {
        parts.add("failed gates: " + String.join(", ", failedGates()));
      }
      if (!undecidedGates().isEmpty()) {
        parts.add(
            "undecided gates (insufficient evidence): " + String.join(", ", undecidedGates()));
      }
      String outcome = undecided() ? "INSUFFICIENT EVIDENCE" : "FAILED";
      return parts.isEmpty() ? outcome : outcome + ": " + String.join("; ", parts);
    }
  }

  private ReportIndex() {}

  /** Every report of the area, newest first. */
  public static List<Entry> entries(EvaluationArea area) {
    Path reports = area.root().resolve("reports");
    if (!Files.isDirectory(reports)) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.walk(reports, 4)) {
      for (Path json :
          files.filter(f -> f.getFileName().toString().equals(ReportWriter.JSON_FILE)).toList()) {
        entries.add(
            new Entry(json.resolveSibling(ReportWriter.HTML_FILE), JSON.readTree(json.toFile())));
      }
    } catch (IOException e) {
      throw new EvaluatorException("Cannot list the reports in " + reports + ": " + e, e);
    }
    entries.sort(Comparator.comparing(Entry::evaluatedAt).reversed());
    return entries;
  }

  /** Writes the index page and returns its path. */
  public static Path write(EvaluationArea area) {
    List<Entry> entries = entries(area);
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Perennial evaluations</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;")
        .append("font-size:.9em;text-align:right}td.l,th.l{text-align:left}th{background:#f5f5f5}")
        .append(".ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}")
        .append(".wait{color:#b26a00;font-weight:600}")
        .append("</style></head><body><h1>Perennial evaluations</h1>");
    long passed = entries.stream().filter(Entry::passed).count();
    long insufficient = entries.stream().filter(Entry::undecided).count();
    html.append(
        String.format(
            Locale.ROOT,
            "<p>%d candidate(s): %d passed, %d failed, %d with insufficient evidence. Newest first;"
                + " each links to its report.</p>",
            entries.size(),
            passed,
            entries.size() - passed - insufficient,
            insufficient));
    html.append("<table><tr><th class=\"l\">evaluated</th><th class=\"l\">key</th>")
        .append("<th class=\"l\">candidate</th><th class=\"l\">verdict</th>");
    KEY_METRICS.forEach(m -> html.append("<th>").append(Html.escape(m)).append("</th>"));
    html.append("</tr>");
    for (Entry entry : entries) {
      String link = area.root().relativize(entry.html()).toString().replace('\\', '/');
      html.append("<tr><td class=\"l\">")
          .append(Html.escape(entry.evaluatedAt()))
          .append("</td><td class=\"l\">")
          .append(Html.escape(entry.adapterKey()))
          .append("</td><td class=\"l\"><a href=\"")
          .append(Html.escape(link))
          .append("\">")
          .append(Html.escape(entry.report().path("candidateId").asText()))
          .append("</a></td><td class=\"l ")
          .append(entry.passed() ? "ok\">" : entry.undecided() ? "wait\">" : "bad\">")
          .append(Html.escape(entry.describe()))
          .append("</td>");
      for (String metric : KEY_METRICS) {
        JsonNode value = entry.report().path("metrics").path(metric);
        html.append("<td>")
            .append(
                value.isNumber() ? String.format(Locale.ROOT, "%.3g", value.asDouble()) : "&ndash;")
            .append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</table></body></html>\n");
    Path file = area.root().resolve(FILE);
    EvaluationArea.writeAtomically(file, html.toString().getBytes(StandardCharsets.UTF_8));
    return file;
  }
}
