package dev.perennial.evaluator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.evaluator.history.HistoryStore;
import dev.perennial.evaluator.history.MeasurePoint;
import dev.perennial.evaluator.suite.CanaryExposure;
import dev.perennial.evaluator.suite.Comparison;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.verdict.GateInterval;
import dev.perennial.schemas.verdict.Outcomes;
import java.io.IOException;
import java.util.Map;

/**
 * The JSON report ({@value #FORMAT}): the verdict (PASSED, FAILED or INSUFFICIENT_EVIDENCE) and
 * why, the gates (with n and interval where statistical) and metrics, the comparisons with the
 * incumbent and the base, canary exposures (by label, never the secret), the held-out preference
 * pairs' reward margins ({@code rewardMargins}, empty without any), the base with the general set
 * its retention numbers were measured on ({@code baseModel.generalSet}), the key's score matrices
 * (exact match, and likelihood beside it) and their measures across the lineage, the candidate's
 * lineage and training curve. Numbers that were not measured are {@code null}.
 */
public final class ReportJson {

  public static final String FORMAT = "perennial.evaluation.report/v2";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private ReportJson() {}

  public static byte[] render(EvaluationReport report) {
    try {
      return JSON.writeValueAsBytes(tree(report));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot render a report as JSON", e);
    }
  }

  public static ObjectNode tree(EvaluationReport report) {
    AdapterCandidate candidate = report.candidate();
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("adapterKey", candidate.getAdapterKey());
    root.put("candidateId", candidate.getCandidateId());
    root.put("verdict", report.outcome().name());
    root.put("reason", report.reason());
    root.put("evaluatedAt", report.evaluatedAt().toString());
    root.put("evaluator", report.evaluator());
    ObjectNode runtime = root.putObject("runtime");
    runtime.put("threads", report.runtime().threads());
    runtime.put("djl", report.runtime().djl());
    runtime.put("pytorch", report.runtime().pytorch());
    number(root, "seconds", report.seconds());
    ObjectNode bootstrap = root.putObject("bootstrap");
    bootstrap.put("confidence", report.bootstrap().confidence());
    bootstrap.put("resamples", report.bootstrap().resamples());
    bootstrap.put("minItems", report.bootstrap().minItems());
    bootstrap.put(
        "seed", "first 8 bytes (big-endian) of SHA-256 of the candidate id, NUL, the gate's name");
    ObjectNode base = root.putObject("baseModel");
    base.put("name", report.baseModelName());
    base.put("digest", report.baseModelDigest());
    base.put("generalSet", report.generalSet());
    if (report.incumbentVersion() == null) {
      root.putNull("incumbentVersion");
    } else {
      root.put("incumbentVersion", report.incumbentVersion());
    }
    if (report.problem() != null) {
      root.put("problem", report.problem());
    }
    ArrayNode notes = root.putArray("notes");
    report.notes().forEach(notes::add);
    ArrayNode gates = root.putArray("gates");
    for (Gate gate : report.gates()) {
      ObjectNode node = gates.addObject();
      node.put("name", gate.getName());
      number(node, "value", gate.getValue());
      number(node, "threshold", gate.getThreshold());
      node.put("comparator", gate.getComparator().name());
      node.put("passed", gate.getPassed());
      node.put("outcome", Outcomes.of(gate).name());
      if (gate.getN() != null) {
        node.put("n", gate.getN());
      }
      if (gate.getConfidence() != null) {
        number(node, "lower", gate.getLower());
        number(node, "upper", gate.getUpper());
        node.put("interval", GateInterval.of(gate).name());
        number(node, "confidence", gate.getConfidence());
      }
    }
    ObjectNode metrics = root.putObject("metrics");
    for (Map.Entry<String, Double> metric : report.metrics().entrySet()) {
      number(metrics, metric.getKey(), metric.getValue());
    }
    ArrayNode comparisons = root.putArray("comparisons");
    for (Comparison comparison : report.comparisons()) {
      ObjectNode node = comparisons.addObject();
      node.put("metric", comparison.metric());
      number(node, "candidate", comparison.candidate());
      number(node, "incumbent", comparison.incumbent());
      number(node, "base", comparison.base());
      node.put("higherIsBetter", comparison.higherIsBetter());
    }
    ArrayNode canaries = root.putArray("canaries");
    for (CanaryExposure canary : report.canaries()) {
      ObjectNode node = canaries.addObject();
      node.put("canary", canary.label());
      node.put("own", canary.own());
      node.put("rank", canary.exposure().rank());
      node.put("candidates", canary.exposure().candidates());
      number(node, "exposureBits", canary.exposure().bits());
      number(node, "baseExposureBits", canary.baseBits());
    }
    ArrayNode margins = root.putArray("rewardMargins");
    report.rewardMargins().forEach(margin -> number(margins, margin));
    if (report.matrix() != null) {
      root.set("scoreMatrix", HistoryStore.matrixJson(report.matrix()));
    }
    if (report.likelihoodMatrix() != null) {
      root.set("likelihoodMatrix", HistoryStore.matrixJson(report.likelihoodMatrix()));
    }
    ArrayNode history = root.putArray("measureHistory");
    for (MeasurePoint point : report.measureHistory()) {
      ObjectNode node = history.addObject();
      node.put("label", point.label());
      node.set("measures", HistoryStore.measuresJson(point.measures()));
      node.set("likelihoodMeasures", HistoryStore.measuresJson(point.likelihood()));
    }
    root.set("candidate", lineage(candidate));
    return root;
  }

  private static ObjectNode lineage(AdapterCandidate candidate) {
    ObjectNode node = JSON.createObjectNode();
    node.put("jobId", candidate.getJobId());
    node.put("location", candidate.getLocation());
    node.put("trigger", candidate.getTrigger() == null ? null : candidate.getTrigger().name());
    if (candidate.getParentVersion() == null) {
      node.putNull("parentVersion");
    } else {
      node.put("parentVersion", candidate.getParentVersion());
    }
    node.put("exampleCount", candidate.getExampleCount());
    node.put("tokenCount", candidate.getTokenCount());
    shards(node.putArray("shards"), candidate.getShards());
    shards(node.putArray("heldOutShards"), candidate.getHeldOutShards());
    shards(node.putArray("heldOutPool"), candidate.getHeldOutPool());
    ArrayNode carried = node.putArray("carriedJobs");
    candidate.getCarriedJobs().forEach(carried::add);
    shards(node.putArray("replayShards"), candidate.getReplayShards());
    ObjectNode recipe = node.putObject("recipe");
    recipe.put("learningRate", candidate.getRecipe().getLearningRate());
    recipe.put("seed", candidate.getRecipe().getSeed());
    recipe.put("loraRank", candidate.getRecipe().getLoraRank());
    recipe.put("steps", candidate.getMetrics().getSteps());
    ObjectNode training = node.putObject("training");
    number(training, "initialLoss", candidate.getMetrics().getInitialLoss());
    number(training, "finalLoss", candidate.getMetrics().getFinalLoss());
    ArrayNode steps = training.putArray("lossCurveSteps");
    candidate.getMetrics().getLossCurveSteps().forEach(steps::add);
    ArrayNode curve = training.putArray("lossCurve");
    candidate.getMetrics().getLossCurve().forEach(loss -> number(curve, loss));
    node.put("trainer", candidate.getTrainerVersion());
    node.put("device", candidate.getDevice());
    return node;
  }

  private static void shards(ArrayNode array, java.util.List<ShardRef> shards) {
    for (ShardRef shard : shards) {
      ObjectNode node = array.addObject();
      node.put("digest", shard.getDigest());
      node.put("examples", shard.getExampleCount());
    }
  }

  private static void number(ArrayNode array, Double value) {
    if (value == null || !Double.isFinite(value)) {
      array.addNull();
    } else {
      array.add(value);
    }
  }

  private static void number(ObjectNode node, String name, Double value) {
    if (value == null || !Double.isFinite(value)) {
      node.putNull(name);
    } else {
      node.put(name, value);
    }
  }
}
