package dev.perennial.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.area.EvaluationArea;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.history.MeasurePoint;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.evaluator.suite.CanaryExposure;
import dev.perennial.evaluator.suite.Comparison;
import dev.perennial.evaluator.suite.Exposure;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.GateComparator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportRenderingTest {

  @TempDir Path folder;

  private static EvaluationReport report() {
    AdapterCandidate candidate =
        Candidates.candidate(
            "acme/support",
            "acme/support@2-abc#candidate",
            "sha256:" + "a".repeat(64),
            Map.of(),
            "perennial-tiny",
            "sha256:" + "b".repeat(64),
            List.of(Candidates.shard("c".repeat(64), 30)),
            List.of(Candidates.shard("d".repeat(64), 4)),
            0.003);
    ScoreMatrix matrix =
        new ScoreMatrix(
            List.of("general", "v1", "candidate"),
            List.of("base", "v1", "candidate"),
            new double[][] {{0.99, 0.3, 0.2}, {0.98, 0.6, 0.35}, {0.97, 0.58, 0.7}});
    TreeMap<String, Double> metrics = new TreeMap<>();
    metrics.put("learning.gain", 0.41);
    metrics.put("learning.loss", 0.62);
    metrics.put("retention.general.exact.match.incumbent", Double.NaN);
    return new EvaluationReport(
        candidate,
        "perennial-tiny",
        "sha256:" + "b".repeat(64),
        1,
        false,
        List.of(
            GateRules.gate("learning", 0.41, 0.05, GateComparator.GREATER_OR_EQUAL),
            GateRules.gate("leakage", 7.2, 6.0, GateComparator.LESS_OR_EQUAL)),
        metrics,
        List.of(
            new Comparison("learning.loss", 0.62, 0.9, 1.05, false),
            new Comparison("retention.general.exact.match", 0.97, 0.99, 1.0, true)),
        List.of(
            new CanaryExposure("globex #1", false, new Exposure(2, 256), 1.3),
            new CanaryExposure("acme #1", true, new Exposure(1, 256), Double.NaN)),
        matrix,
        List.of(
            new MeasurePoint("v1", new ContinualMeasures(0.8, -0.01, 0.0, 0.01)),
            new MeasurePoint("candidate", ContinualMeasures.of(matrix))),
        null,
        List.of("A note with <markup> & \"quotes\"."),
        Candidates.AT,
        "evaluator-1",
        3.5);
  }

  @Test
  void theHtmlPageIsSelfContainedWithInlineSvgPlots() {
    String html = HtmlReport.render(report());

    assertThat(html).startsWith("<!DOCTYPE html>").contains("FAILED");
    assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("src=");
    Matcher urls = Pattern.compile("https?://[^\"\\s<]+").matcher(html);
    while (urls.find()) {
      assertThat(urls.group()).isEqualTo("http://www.w3.org/2000/svg");
    }
    assertThat(Pattern.compile("<svg ").matcher(html).results().count()).isEqualTo(3);
    assertThat(html)
        .contains("Training loss")
        .contains("Change against v1")
        .contains("ACC, BWT, FWT and forgetting")
        .contains("<path d=\"M");
    assertThat(html).contains("A note with &lt;markup&gt; &amp; &quot;quotes&quot;.");
    assertThat(html).contains("leakage").contains("FAILED").contains("7.200");
  }

  @Test
  void theJsonReportCarriesGatesMetricsMatrixAndHistoryWithNullForUnmeasured() throws Exception {
    JsonNode json = new ObjectMapper().readTree(ReportJson.render(report()));

    assertThat(json.path("format").asText()).isEqualTo(ReportJson.FORMAT);
    assertThat(json.path("verdict").asText()).isEqualTo("FAILED");
    assertThat(json.path("gates")).hasSize(2);
    assertThat(json.path("gates").get(1).path("passed").asBoolean()).isFalse();
    assertThat(json.path("metrics").path("learning.gain").asDouble()).isEqualTo(0.41);
    assertThat(json.path("metrics").path("retention.general.exact.match.incumbent").isNull())
        .isTrue();
    assertThat(json.path("scoreMatrix").path("rows")).hasSize(3);
    assertThat(json.path("measureHistory")).hasSize(2);
    assertThat(json.path("canaries").get(0).path("canary").asText()).isEqualTo("globex #1");
    assertThat(json.path("candidate").path("training").path("lossCurve")).hasSize(4);
  }

  @Test
  void aStoredReportIsContentAddressedAndHasReadableCopies() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    ReportWriter writer =
        new ReportWriter(store, new EvaluationArea(folder.resolve("evaluations")));

    ReportWriter.StoredReport stored = writer.write(report());

    assertThat(stored.location()).startsWith("sha256:");
    String index = new String(store.read(Digest.parse(stored.location())), StandardCharsets.UTF_8);
    JsonNode files = new ObjectMapper().readTree(index).path("files");
    assertThat(files.fieldNames()).toIterable().containsExactly("report.html", "report.json");
    byte[] html = store.read(Digest.parse(files.path("report.html").asText()));
    assertThat(Files.readAllBytes(stored.htmlFile())).isEqualTo(html);
    assertThat(stored.htmlFile().toString()).contains("reports/acme/support/");
    assertThat(stored.jsonFile()).exists();
  }
}
