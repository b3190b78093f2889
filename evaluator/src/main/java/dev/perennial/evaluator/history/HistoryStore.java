package dev.perennial.evaluator.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.evaluator.area.EvaluationArea;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Each adapter key's {@link KeyHistory}, one JSON file per key in the evaluation area ({@value
 * #FORMAT}): read before a key's candidate is evaluated, replaced after (before its verdict is
 * committed; a re-evaluation replaces the candidate's entry). Scores that were not measured are
 * {@code null}. A file of the former format ({@value #FORMAT_V1}, one likelihood matrix) is read
 * with its matrix as the likelihood matrix and no exact-match scores.
 */
public final class HistoryStore {

  public static final String FORMAT = "perennial.evaluation.history/v2";
  public static final String FORMAT_V1 = "perennial.evaluation.history/v1";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final ContinualMeasures UNMEASURED =
      new ContinualMeasures(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  private final EvaluationArea area;

  public HistoryStore(EvaluationArea area) {
    this.area = area;
  }

  /** The key's history; empty when it has none yet. */
  public KeyHistory read(String adapterKey) {
    Path file = area.historyFile(adapterKey);
    if (!Files.isRegularFile(file)) {
      return KeyHistory.empty(adapterKey);
    }
    try {
      return fromJson(JSON.readTree(file.toFile()));
    } catch (IOException | RuntimeException e) {
      throw new EvaluatorException("Cannot read the score history " + file + ": " + e, e);
    }
  }

  public void write(KeyHistory history) {
    try {
      EvaluationArea.writeAtomically(
          area.historyFile(history.adapterKey()), JSON.writeValueAsBytes(toJson(history)));
    } catch (IOException e) {
      throw new EvaluatorException("Cannot write the history of " + history.adapterKey(), e);
    }
  }

  static ObjectNode toJson(KeyHistory history) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("adapterKey", history.adapterKey());
    ArrayNode entries = root.putArray("entries");
    for (HistoryEntry entry : history.entries()) {
      ObjectNode node = entries.addObject();
      node.put("candidateId", entry.candidateId());
      node.put("location", entry.location());
      node.put("evaluatedAt", entry.evaluatedAt().toString());
      node.put("passed", entry.passed());
      if (entry.incumbentVersion() == null) {
        node.putNull("incumbentVersion");
      } else {
        node.put("incumbentVersion", entry.incumbentVersion());
      }
      ArrayNode tasks = node.putArray("tasks");
      for (TaskRef task : entry.tasks()) {
        ObjectNode taskNode = tasks.addObject();
        taskNode.put("label", task.label());
        ArrayNode shards = taskNode.putArray("shards");
        task.shards().forEach(shards::add);
      }
      node.set("matrix", matrixJson(entry.matrix()));
      node.set("likelihoodMatrix", matrixJson(entry.likelihood()));
      ArrayNode lineage = node.putArray("lineage");
      for (MeasurePoint point : entry.lineage()) {
        ObjectNode pointNode = lineage.addObject();
        pointNode.put("label", point.label());
        pointNode.set("measures", measuresJson(point.measures()));
        pointNode.set("likelihoodMeasures", measuresJson(point.likelihood()));
      }
    }
    return root;
  }

  static KeyHistory fromJson(JsonNode root) {
    String format = root.path("format").asText();
    if (!FORMAT.equals(format) && !FORMAT_V1.equals(format)) {
      throw new EvaluatorException("not a " + FORMAT + " file: " + root.path("format"));
    }
    boolean v1 = FORMAT_V1.equals(format);
    List<HistoryEntry> entries = new ArrayList<>();
    for (JsonNode node : root.path("entries")) {
      List<TaskRef> tasks = new ArrayList<>();
      for (JsonNode task : node.path("tasks")) {
        List<String> shards = new ArrayList<>();
        task.path("shards").forEach(shard -> shards.add(shard.asText()));
        tasks.add(new TaskRef(task.path("label").asText(), shards));
      }
      List<MeasurePoint> lineage = new ArrayList<>();
      for (JsonNode point : node.path("lineage")) {
        ContinualMeasures measures = measures(point.path("measures"));
        lineage.add(
            v1
                ? new MeasurePoint(point.path("label").asText(), UNMEASURED, measures)
                : new MeasurePoint(
                    point.path("label").asText(),
                    measures,
                    measures(point.path("likelihoodMeasures"))));
      }
      ScoreMatrix matrix = matrix(node.path("matrix"));
      ScoreMatrix likelihood = v1 ? matrix : matrix(node.path("likelihoodMatrix"));
      if (v1) {
        matrix = ScoreMatrix.unmeasured(matrix.tasks(), matrix.rows());
      }
      JsonNode incumbent = node.path("incumbentVersion");
      entries.add(
          new HistoryEntry(
              node.path("candidateId").asText(),
              node.path("location").asText(),
              Instant.parse(node.path("evaluatedAt").asText()),
              node.path("passed").asBoolean(),
              incumbent.isNumber() ? incumbent.asInt() : null,
              tasks,
              matrix,
              likelihood,
              lineage));
    }
    return new KeyHistory(root.path("adapterKey").asText(), entries);
  }

  /** {@code {"tasks": [...], "rows": [{"label": ..., "scores": [...]}, ...]}}. */
  public static ObjectNode matrixJson(ScoreMatrix matrix) {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode tasks = node.putArray("tasks");
    matrix.tasks().forEach(tasks::add);
    ArrayNode rows = node.putArray("rows");
    for (int i = 0; i < matrix.size(); i++) {
      ObjectNode row = rows.addObject();
      row.put("label", matrix.rows().get(i));
      ArrayNode scores = row.putArray("scores");
      for (int j = 0; j < matrix.tasks().size(); j++) {
        addNumber(scores, matrix.get(i, j));
      }
    }
    return node;
  }

  static ScoreMatrix matrix(JsonNode node) {
    List<String> tasks = new ArrayList<>();
    node.path("tasks").forEach(task -> tasks.add(task.asText()));
    List<String> rows = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (JsonNode row : node.path("rows")) {
      rows.add(row.path("label").asText());
      double[] scores = new double[row.path("scores").size()];
      for (int j = 0; j < scores.length; j++) {
        scores[j] = number(row.path("scores").get(j));
      }
      values.add(scores);
    }
    return new ScoreMatrix(tasks, rows, values.toArray(new double[0][]));
  }

  /** {@code {"acc": ..., "bwt": ..., "fwt": ..., "forgetting": ...}}, null where NaN. */
  public static ObjectNode measuresJson(ContinualMeasures measures) {
    ObjectNode node = JSON.createObjectNode();
    putNumber(node, "acc", measures.acc());
    putNumber(node, "bwt", measures.bwt());
    putNumber(node, "fwt", measures.fwt());
    putNumber(node, "forgetting", measures.forgetting());
    return node;
  }

  static ContinualMeasures measures(JsonNode node) {
    return new ContinualMeasures(
        number(node.path("acc")),
        number(node.path("bwt")),
        number(node.path("fwt")),
        number(node.path("forgetting")));
  }

  private static void addNumber(ArrayNode array, double value) {
    if (Double.isFinite(value)) {
      array.add(value);
    } else {
      array.addNull();
    }
  }

  private static void putNumber(ObjectNode node, String name, double value) {
    if (Double.isFinite(value)) {
      node.put(name, value);
    } else {
      node.putNull(name);
    }
  }

  private static double number(JsonNode node) {
    return node == null || !node.isNumber() ? Double.NaN : node.asDouble();
  }
}
