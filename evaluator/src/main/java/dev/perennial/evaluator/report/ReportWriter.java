package dev.perennial.evaluator.report;

import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.evaluator.area.EvaluationArea;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stores a report: {@value #JSON_FILE} and {@value #HTML_FILE} as a folder of the artifact store
 * ({@link FolderIndex}, as adapters are, so the verdict's {@code reportLocation} is {@code
 * sha256:<index>}, content-addressed like everything a manifest names), and readable copies in the
 * evaluation area.
 */
public final class ReportWriter {

  public static final String JSON_FILE = "report.json";
  public static final String HTML_FILE = "report.html";

  private final ArtifactStore store;
  private final EvaluationArea area;

  /** Where a report lies. */
  public record StoredReport(String location, Path htmlFile, Path jsonFile) {}

  public ReportWriter(ArtifactStore store, EvaluationArea area) {
    this.store = store;
    this.area = area;
  }

  public StoredReport write(EvaluationReport report) {
    byte[] json = ReportJson.render(report);
    byte[] html = HtmlReport.render(report).getBytes(StandardCharsets.UTF_8);
    String location = FolderIndex.store(store, Map.of(HTML_FILE, html, JSON_FILE, json)).location();
    Path folder =
        area.reportFolder(report.candidate().getAdapterKey(), report.candidate().getCandidateId());
    Path htmlFile = folder.resolve(HTML_FILE);
    Path jsonFile = folder.resolve(JSON_FILE);
    EvaluationArea.writeAtomically(jsonFile, json);
    EvaluationArea.writeAtomically(htmlFile, html);
    return new StoredReport(location, htmlFile, jsonFile);
  }
}
