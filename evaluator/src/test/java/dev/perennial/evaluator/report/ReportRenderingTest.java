package dev.perennial.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.evaluator.area.EvaluationArea;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.history.MeasurePoint;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.suite.CanaryExposure;
import dev.perennial.evaluator.suite.Comparison;
import dev.perennial.evaluator.suite.Exposure;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.ModulePlasticity;
import dev.perennial.schemas.v1.Plasticity;
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
    return aReport().build();
  }

  private static AdapterCandidate candidate() {
    return Candidates.candidate(
        "acme/support",
        "acme/support@2-abc#candidate",
        "sha256:" + "a".repeat(64),
        Map.of(),
        "perennial-tiny",
        "sha256:" + "b".repeat(64),
        List.of(Candidates.shard("c".repeat(64), 30)),
        List.of(Candidates.shard("d".repeat(64), 4)),
        0.003);
  }

  /** The statistical gate of {@link #report()}: passed on a bounded interval. */
  private static Gate learningGate() {
    return Gate.newBuilder()
        .setName("learning")
        .setValue(0.41)
        .setThreshold(0.05)
        .setComparator(GateComparator.GREATER_OR_EQUAL)
        .setPassed(true)
        .setOutcome(EvaluationOutcome.PASSED)
        .setN(12)
        .setLower(0.3)
        .setUpper(0.52)
        .setConfidence(0.95)
        .build();
  }

  /** A failed candidate's report with every section; a test sets only what differs. */
  private static ReportBuilder aReport() {
    return new ReportBuilder();
  }

  /** Builds an {@link EvaluationReport}, by default the full report of a failed candidate. */
  private static final class ReportBuilder {
    private static final ScoreMatrix MATRIX =
        new ScoreMatrix(
            List.of("general", "v1", "candidate"),
            List.of("base", "v1", "candidate"),
            new double[][] {{0.9, 0.0, 0.0}, {0.85, 0.5, 0.25}, {0.85, 0.5, 0.75}});
    private static final ScoreMatrix LIKELIHOOD =
        new ScoreMatrix(
            List.of("general", "v1", "candidate"),
            List.of("base", "v1", "candidate"),
            new double[][] {{0.99, 0.3, 0.2}, {0.98, 0.6, 0.35}, {0.97, 0.58, 0.7}});

    private AdapterCandidate candidate = ReportRenderingTest.candidate();
    private EvaluationOutcome outcome = EvaluationOutcome.FAILED;
    private String reason = "failing leakage 7.2 <= 6";
    private List<Gate> gates =
        List.of(learningGate(), GateRules.point("leakage", 7.2, 6.0, GateComparator.LESS_OR_EQUAL));
    private List<Comparison> comparisons =
        List.of(
            new Comparison("learning.loss", 0.62, 0.9, 1.05, false),
            new Comparison("retention.general.exact.match", 0.97, 0.99, 1.0, true));
    private List<CanaryExposure> canaries =
        List.of(
            new CanaryExposure("globex #1", false, new Exposure(2, 256), 1.3),
            new CanaryExposure("acme #1", true, new Exposure(1, 256), Double.NaN));
    private List<Double> rewardMargins = List.of(0.8, 1.2, -0.3, 0.5, 2.0, 0.05);
    private ScoreMatrix matrix = MATRIX;
    private ScoreMatrix likelihoodMatrix = LIKELIHOOD;
    private List<MeasurePoint> measureHistory =
        List.of(
            new MeasurePoint(
                "v1",
                new ContinualMeasures(0.5, -0.1, 0.0, 0.1),
                new ContinualMeasures(0.8, -0.01, 0.0, 0.01)),
            new MeasurePoint(
                "candidate", ContinualMeasures.of(MATRIX), ContinualMeasures.of(LIKELIHOOD)));
    private List<String> notes = List.of("A note with <markup> & \"quotes\".");
    private double seconds = 3.5;

    /** No comparisons, canaries, margins, matrices, history or notes, as a gates-only report. */
    ReportBuilder withoutSuites() {
      comparisons = List.of();
      canaries = List.of();
      rewardMargins = List.of();
      matrix = null;
      likelihoodMatrix = null;
      measureHistory = List.of();
      notes = List.of();
      seconds = 1.0;
      return this;
    }

    ReportBuilder candidate(AdapterCandidate candidate) {
      this.candidate = candidate;
      return this;
    }

    ReportBuilder outcome(EvaluationOutcome outcome, String reason) {
      this.outcome = outcome;
      this.reason = reason;
      return this;
    }

    ReportBuilder gates(Gate... gates) {
      this.gates = List.of(gates);
      return this;
    }

    ReportBuilder rewardMargins(Double... margins) {
      this.rewardMargins = List.of(margins);
      return this;
    }

    EvaluationReport build() {
      TreeMap<String, Double> metrics = new TreeMap<>();
      metrics.put("learning.gain", 0.41);
      metrics.put("learning.loss", 0.62);
      metrics.put("retention.general.exact.match.incumbent", Double.NaN);
      return new EvaluationReport(
          candidate,
          "perennial-tiny",
          "sha256:" + "b".repeat(64),
          "general:40/120 sha256:" + "e".repeat(64),
          1,
          outcome,
          reason,
          gates,
          metrics,
          comparisons,
          canaries,
          rewardMargins,
          matrix,
          likelihoodMatrix,
          measureHistory,
          null,
          notes,
          Candidates.AT,
          "evaluator-1",
          new EvaluatorRuntime(4, "0.35.1", "2.7.1"),
          seconds,
          new PairedBootstrap(0.95, 2000, 8));
    }
  }

  @Test
  void thePlasticitySectionShowsTheGainAgainstTheControlTheRefreshAndEachModulesShape() {
    AdapterCandidate candidate =
        AdapterCandidate.newBuilder(candidate())
            .setLineage(
                Lineage.newBuilder()
                    .setMethod(LineageMethod.CONTINUED)
                    .setRefresh(new AdapterRefreshDetails(0.99, 4, 0.9931, "update 5 gained 0.1"))
                    .setPlasticity(
                        Plasticity.newBuilder()
                            .setUpdate(6)
                            .setLearningGain(0.25)
                            .setControlGain(0.5)
                            .setGainRatio(0.5)
                            .setEffectiveRank(3.25)
                            .setWeightNorm(2.0)
                            .setProductNorm(0.75)
                            .setModules(
                                List.of(
                                    new ModulePlasticity("layers.0.q_proj", 1.5, 0.25, 0.5, 2.75)))
                            .build())
                    .build())
            .build();

    String html = HtmlReport.render(aReport().candidate(candidate).build());

    assertThat(html)
        .contains("<h2>Plasticity (room to learn)</h2>")
        .contains("ratio 0.5")
        .contains("kept &gt;= 0.9931 of each module")
        .contains("mean effective rank of B\u00b7A 3.25")
        .contains("layers.0.q_proj");
    assertThat(HtmlReport.render(report())).doesNotContain("Plasticity");
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
    assertThat(Pattern.compile("<svg ").matcher(html).results().count()).isEqualTo(4);
    assertThat(html)
        .contains("Training loss")
        .contains("Reward margins of 6 pairs against v1")
        .contains("Change against v1")
        .contains("ACC, BWT, FWT and forgetting")
        .contains("<path d=\"M");
    assertThat(html).contains("A note with &lt;markup&gt; &amp; &quot;quotes&quot;.");
    assertThat(html).contains("leakage").contains("FAILED").contains("7.200");
    assertThat(html).contains("[0.3000, 0.5200]").contains("lower bound, 95 %");
    assertThat(html).contains("(exact match)").contains("Likelihood (not exact match)");
  }

  @Test
  void anUndecidedCandidateIsShownAsInsufficientEvidenceWithWhereItsDataGoes() {
    EvaluationReport undecided =
        aReport()
            .withoutSuites()
            .outcome(
                EvaluationOutcome.INSUFFICIENT_EVIDENCE,
                "insufficient evidence (learning.examples 3 >= 8): neither released nor refused;"
                    + " the data of job j rolls into the key's next job")
            .gates(GateRules.point("learning", 0.4, 0.05, GateComparator.GREATER_OR_EQUAL))
            .build();

    assertThat(HtmlReport.render(undecided))
        .contains("INSUFFICIENT EVIDENCE")
        .contains("rolls into the key&#39;s next job");
  }

  /** The report of {@link #report()} with another outcome and other gates. */
  private static EvaluationReport report(EvaluationOutcome outcome, List<Gate> gates) {
    return aReport()
        .withoutSuites()
        .outcome(outcome, "see the gates")
        .gates(gates.toArray(Gate[]::new))
        .build();
  }

  private static String indexed(EvaluationReport report) {
    return new ReportIndex.Entry(Path.of(ReportWriter.HTML_FILE), ReportJson.tree(report))
        .describe();
  }

  @Test
  void theIndexTellsFailedGatesFromUndecidedOnesAsVerdictsDo() {
    Gate learning = GateRules.point("learning", 0.01, 0.05, GateComparator.GREATER_OR_EQUAL);
    Gate rollover = GateRules.undecidedPrecondition("evidence.rollover");
    Gate retention = GateRules.point("retention", 0.9, 0.8, GateComparator.GREATER_OR_EQUAL);

    assertThat(indexed(report(EvaluationOutcome.FAILED, List.of(learning, rollover, retention))))
        .isEqualTo(
            "FAILED: failed gates: learning; undecided gates (insufficient evidence):"
                + " evidence.rollover");
    assertThat(indexed(report(EvaluationOutcome.INSUFFICIENT_EVIDENCE, List.of(rollover))))
        .isEqualTo(
            "INSUFFICIENT EVIDENCE: undecided gates (insufficient evidence): evidence.rollover");
    assertThat(indexed(report(EvaluationOutcome.FAILED, List.of(learning, retention))))
        .isEqualTo("FAILED: failed gates: learning");
    assertThat(indexed(report(EvaluationOutcome.PASSED, List.of(retention)))).isEqualTo("PASSED");
  }

  @Test
  void aReportWrittenBeforeGatesHadAnOutcomeListsItsGatesThatDidNotPassAsFailed() {
    ObjectNode old =
        ReportJson.tree(
            report(
                EvaluationOutcome.FAILED,
                List.of(GateRules.point("learning", 0.01, 0.05, GateComparator.GREATER_OR_EQUAL))));
    old.withArray("gates").forEach(gate -> ((ObjectNode) gate).remove("outcome"));

    assertThat(new ReportIndex.Entry(Path.of(ReportWriter.HTML_FILE), old).describe())
        .isEqualTo("FAILED: failed gates: learning");
  }

  /** As GateRules writes a bootstrap gate over fewer items than gate.bootstrap.min.items. */
  private static Gate tooFewItemsGate() {
    return Gate.newBuilder()
        .setName("regression.tenant")
        .setValue(1.0)
        .setThreshold(0.25)
        .setComparator(GateComparator.LESS_OR_EQUAL)
        .setPassed(false)
        .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        .setN(1)
        .setLower(Double.NaN)
        .setUpper(Double.NaN)
        .setConfidence(0.95)
        .build();
  }

  @Test
  void aGateOverTooFewItemsShowsNoIntervalInEitherReport() throws Exception {
    Gate tooFew = tooFewItemsGate();
    EvaluationReport undecided =
        aReport()
            .withoutSuites()
            .outcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE, "insufficient evidence")
            .gates(tooFew)
            .build();

    assertThat(HtmlReport.render(undecided)).contains("<td>too few items</td>");
    JsonNode gate = new ObjectMapper().readTree(ReportJson.render(undecided)).path("gates").get(0);
    assertThat(gate.path("lower").isNull()).isTrue();
    assertThat(gate.path("upper").isNull()).isTrue();
    assertThat(gate.path("interval").asText()).isEqualTo("TOO_FEW_ITEMS");
    assertThat(gate.path("n").asInt()).isEqualTo(1);
    assertThat(gate.path("outcome").asText()).isEqualTo("INSUFFICIENT_EVIDENCE");
  }

  /**
   * An unbounded interval (an undefined effect: no reference success to compare with) has no finite
   * bounds either; both reports say which it is rather than show the dashes or nulls of an interval
   * over too few items.
   */
  @Test
  void anUnboundedIntervalIsToldFromOneOverTooFewItemsInEitherReport() throws Exception {
    // as GateRules writes a ratio whose reference sums to 0 over its items
    Gate undefined =
        Gate.newBuilder()
            .setName("transfer.tenant")
            .setValue(Double.NaN)
            .setThreshold(0.95)
            .setComparator(GateComparator.GREATER_OR_EQUAL)
            .setPassed(false)
            .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
            .setN(12)
            .setLower(Double.NEGATIVE_INFINITY)
            .setUpper(Double.POSITIVE_INFINITY)
            .setConfidence(0.95)
            .build();
    EvaluationReport undecided =
        aReport()
            .withoutSuites()
            .outcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE, "insufficient evidence")
            .gates(undefined, learningGate())
            .build();

    assertThat(HtmlReport.render(undecided))
        .contains("<td>unbounded</td>")
        .contains("[0.3000, 0.5200]")
        .doesNotContain("too few items");
    JsonNode gates = new ObjectMapper().readTree(ReportJson.render(undecided)).path("gates");
    assertThat(gates.get(0).path("lower").isNull()).isTrue();
    assertThat(gates.get(0).path("interval").asText()).isEqualTo("UNBOUNDED");
    assertThat(gates.get(1).path("interval").asText()).isEqualTo("BOUNDED");
  }

  /**
   * A gate without an interval was decided at no bound: the HTML's "decided at" says why there is
   * none, as the JSON's interval does beside its null bounds, rather than naming a bound.
   */
  @Test
  void audit_aGateWithoutAnIntervalIsDecidedAtNoBoundInTheHtmlAsInTheJson() {
    Gate tooFew = tooFewItemsGate();
    Gate unbounded =
        Gate.newBuilder(tooFew)
            .setName("transfer.tenant")
            .setValue(Double.NaN)
            .setComparator(GateComparator.GREATER_OR_EQUAL)
            .setLower(Double.NEGATIVE_INFINITY)
            .setUpper(Double.POSITIVE_INFINITY)
            .build();
    Gate broken =
        Gate.newBuilder(tooFew)
            .setName("learning.incumbent")
            .setValue(Double.NaN)
            .setOutcome(EvaluationOutcome.FAILED)
            .build();

    String html =
        HtmlReport.render(
            aReport()
                .withoutSuites()
                .outcome(EvaluationOutcome.FAILED, "failing learning.incumbent")
                .gates(tooFew, unbounded, broken, learningGate())
                .build());

    assertThat(gateRow(html, "regression.tenant"))
        .contains("no bound: too few items")
        .doesNotContain("bound, 95 %");
    assertThat(gateRow(html, "transfer.tenant"))
        .contains("no bound: unbounded")
        .doesNotContain("bound, 95 %");
    assertThat(gateRow(html, "learning.incumbent"))
        .contains("no bound: not a number")
        .doesNotContain("bound, 95 %");
    assertThat(gateRow(html, "learning")).contains("lower bound, 95 %");
  }

  /** The HTML gate table's row of the named gate. */
  private static String gateRow(String html, String gate) {
    int start = html.indexOf("<tr><td class=\"l\">" + gate + "</td>");
    assertThat(start).as("the row of %s", gate).isNotNegative();
    return html.substring(start, html.indexOf("</tr>", start));
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
    assertThat(json.path("gates").get(0).path("upper").asDouble()).isEqualTo(0.52);
    assertThat(json.path("gates").get(0).path("n").asInt()).isEqualTo(12);
    assertThat(json.path("gates").get(1).path("outcome").asText()).isEqualTo("FAILED");
    assertThat(json.path("scoreMatrix").path("rows")).hasSize(3);
    assertThat(json.path("likelihoodMatrix").path("rows").get(2).path("scores").get(2).asDouble())
        .isEqualTo(0.7);
    assertThat(json.path("measureHistory")).hasSize(2);
    assertThat(json.path("canaries").get(0).path("canary").asText()).isEqualTo("globex #1");
    assertThat(json.path("rewardMargins")).hasSize(6);
    assertThat(json.path("rewardMargins").get(2).asDouble()).isEqualTo(-0.3);
    assertThat(json.path("candidate").path("training").path("lossCurve")).hasSize(4);
  }

  /**
   * A pair whose margin is not a number (a model whose likelihood of an answer is NaN) is null in
   * the JSON report, as every number not measured is, not the string "NaN" among numbers.
   */
  @Test
  void aRewardMarginThatIsNotANumberIsNullInTheJsonReport() throws Exception {
    EvaluationReport withNan = aReport().rewardMargins(0.8, Double.NaN, -0.3).build();

    JsonNode margins =
        new ObjectMapper().readTree(ReportJson.render(withNan)).path("rewardMargins");

    assertThat(margins).hasSize(3);
    assertThat(margins.get(1).isNull()).as("%s", margins).isTrue();
    assertThat(margins.get(2).asDouble()).isEqualTo(-0.3);
  }

  @Test
  void theJsonReportRecordsTheThreadCountAndEngineVersionsTheScoresWereComputedWith()
      throws Exception {
    // scores on CPU are bit-identical at one thread count and engine only
    JsonNode runtime = new ObjectMapper().readTree(ReportJson.render(report())).path("runtime");

    assertThat(runtime.path("threads").asInt()).as("%s", runtime).isEqualTo(4);
    assertThat(runtime.path("djl").asText()).isEqualTo("0.35.1");
    assertThat(runtime.path("pytorch").asText()).isEqualTo("2.7.1");
  }

  /**
   * The retention and regression gates and feedback.drift are measured on the base's general set, a
   * file beside the model that the base's digest does not cover: the report must name the set it
   * asked, with its digest, or their numbers cannot be computed again.
   */
  @Test
  void theJsonReportNamesTheGeneralSetTheRetentionNumbersWereMeasuredOn() throws Exception {
    JsonNode base = new ObjectMapper().readTree(ReportJson.render(report())).path("baseModel");

    assertThat(base.path("generalSet").asText())
        .as("%s", base)
        .isEqualTo("general:40/120 sha256:" + "e".repeat(64));
  }

  @Test
  void theJsonReportRecordsTheBootstrapSoEachGatesIntervalCanBeComputedAgain() throws Exception {
    // a gate's interval depends on its paired items, the confidence, the seed (candidate id and
    // gate name) and the configured number of resamples, and whether it decides at all on the
    // fewest items it may decide on: nothing else records the last two
    JsonNode json = new ObjectMapper().readTree(ReportJson.render(report()));

    assertThat(json.path("bootstrap").path("confidence").asDouble()).as("%s", json).isEqualTo(0.95);
    assertThat(json.path("bootstrap").path("resamples").asInt()).as("%s", json).isEqualTo(2000);
    assertThat(json.path("bootstrap").path("minItems").asInt()).as("%s", json).isEqualTo(8);
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
