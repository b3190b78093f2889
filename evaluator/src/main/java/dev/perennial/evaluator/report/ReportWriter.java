package dev.perennial.evaluator.report;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.evaluator.area.EvaluationArea;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stores a report: {@value #JSON_FILE} and {@value #HTML_FILE} as blobs in the artifact store with
 * a folder index listing them (the layout of adapter folders, so the verdict's {@code
 * reportLocation} is {@code sha256:<index>}, content-addressed like everything a manifest names),
 * and readable copies in the evaluation area.
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
    Map<String, Digest> files = new TreeMap<>();
    files.put(HTML_FILE, store.put(html));
    files.put(JSON_FILE, store.put(json));
    StringBuilder index = new StringBuilder("{\"files\":{");
    boolean first = true;
    for (Map.Entry<String, Digest> file : files.entrySet()) {
      index.append(first ? "" : ",").append('"').append(file.getKey()).append("\":\"");
      index.append(file.getValue()).append('"');
      first = false;
    }
    index.append("}}\n");
    Digest location = store.put(index.toString().getBytes(StandardCharsets.UTF_8));
    Path folder =
        area.reportFolder(report.candidate().getAdapterKey(), report.candidate().getCandidateId());
    Path htmlFile = folder.resolve(HTML_FILE);
    Path jsonFile = folder.resolve(JSON_FILE);
    EvaluationArea.writeAtomically(jsonFile, json);
    EvaluationArea.writeAtomically(htmlFile, html);
    return new StoredReport(location.toString(), htmlFile, jsonFile);
  }
}
