package dev.perennial.publisher.testing;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.v1.TrainingMetrics;
import dev.perennial.schemas.v1.TrainingRecipe;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Hand-built verdicts of real candidates: each candidate's adapter files (a PEFT config and a
 * weights file whose bytes depend on the candidate) are put into the artifact store, and the
 * candidate lists them by digest as the trainer does.
 */
public final class TestVerdicts {

  public static final String BASE_MODEL = "perennial-tiny-llama";
  public static final String BASE_DIGEST =
      Digest.of("base weights".getBytes(StandardCharsets.UTF_8)).hex();

  /** The tokenizer digest every candidate here records in its recipe, as the trainer does. */
  public static final String TOKENIZER_DIGEST =
      Digest.of("tokenizer files".getBytes(StandardCharsets.UTF_8)).toString();

  public static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

  private TestVerdicts() {}

  /** The adapter files of a candidate, by name. */
  public static Map<String, byte[]> adapterFiles(String candidateId) {
    Map<String, byte[]> files = new TreeMap<>();
    files.put(
        "adapter_config.json",
        ("{\n  \"base_model_name_or_path\": \""
                + BASE_MODEL
                + "\",\n  \"peft_type\": \"LORA\",\n  \"r\": 8,\n  \"perennial_candidate\": \""
                + candidateId
                + "\"\n}\n")
            .getBytes(StandardCharsets.UTF_8));
    byte[] weights = new byte[4096];
    new Random(candidateId.hashCode()).nextBytes(weights);
    files.put("adapter_model.safetensors", weights);
    return files;
  }

  /**
   * Puts the candidate's files into the store as the trainer does (a blob per file and a folder
   * index {@code {"files":{name:"sha256:..."}}} whose digest is the candidate's {@code location})
   * and returns the candidate listing them.
   */
  public static AdapterCandidate candidate(
      ArtifactStore store, String adapterKey, String candidateId, Integer parentVersion) {
    FolderIndex.StoredFolder stored = FolderIndex.store(store, adapterFiles(candidateId));
    // as sent, valid or not: a test may send what no stage should
    String tenant = adapterKey.substring(0, adapterKey.indexOf('/'));
    return AdapterCandidate.newBuilder()
        .setCandidateId(candidateId)
        .setJobId("job-" + candidateId)
        .setAdapterKey(adapterKey)
        .setTenant(tenant)
        .setLocation(stored.location())
        .setFileDigests(stored.fileDigests())
        .setBaseModelName(BASE_MODEL)
        .setBaseModelDigest(BASE_DIGEST)
        .setParentVersion(parentVersion)
        .setShards(List.of(shard("shard-" + candidateId, 0, 120)))
        .setHeldOutShards(List.of(shard("held-out-" + candidateId, 120, 132)))
        .setExampleCount(120)
        .setTokenCount(15_360)
        .setRecipe(
            TrainingRecipe.newBuilder()
                .setSeed(42)
                .setEpochs(2)
                .setMaxSteps(null)
                .setBatchSize(8)
                .setMaxSequenceLength(128)
                .setOptimizer("adamw")
                .setLearningRate(3e-4)
                .setLearningRateSchedule("cosine")
                .setWarmupSteps(10)
                .setWeightDecay(0.01)
                .setMaxGradNorm(1.0)
                .setLoraRank(8)
                .setLoraAlpha(16)
                .setLoraDropout(0.05)
                .setTargetModules(List.of("q_proj", "v_proj"))
                .setReplayRatio(0.25)
                .setExtras(Map.of(StableRelease.RECIPE_TOKENIZER_DIGEST, TOKENIZER_DIGEST))
                .build())
        .setMetrics(
            TrainingMetrics.newBuilder()
                .setSteps(30)
                .setTrainedTokens(30_720)
                .setInitialLoss(4.1)
                .setFinalLoss(1.2)
                .setMinLoss(1.18)
                .setLossCurveSteps(List.of(0, 10, 20, 30))
                .setLossCurve(List.of(4.1, 2.4, 1.3, 1.2))
                .setTokensPerSecond(20_000)
                .build())
        .setTrainerVersion("0.1.0")
        .setDevice("cpu()")
        .setTrainingMillis(1_500)
        .setTotalMillis(2_100)
        .setCreatedAt(AT)
        .build();
  }

  /**
   * A candidate of an IMPORT job: an adapter trained elsewhere ({@code hf:acme/support-lora},
   * declared on {@code meta-llama/Llama-3.2-1B}), imported as import-1 by operator:alice and
   * trained on the key's data, without a parent version. Its lineage is IMPORTED and it carries the
   * whole import record, as the trainer's candidates do.
   */
  public static AdapterCandidate imported(
      ArtifactStore store, String adapterKey, String candidateId) {
    AdapterImport adapterImport =
        AdapterImport.newBuilder()
            .setImportId("import-1")
            .setAdapterKey(adapterKey)
            .setLocation("adapters/imported")
            .setBaseModelName(BASE_MODEL)
            .setBaseModelDigest("sha256:" + BASE_DIGEST)
            .setSource("hf:acme/support-lora")
            .setDeclaredBase("meta-llama/Llama-3.2-1B")
            .setFileDigests(Map.of("adapter_config.json", "ab".repeat(32)))
            .setImportedBy("operator:alice")
            .setReason("trained on the old platform")
            .setImportedAt(AT)
            .build();
    return AdapterCandidate.newBuilder(candidate(store, adapterKey, candidateId, null))
        .setTrigger(JobTrigger.IMPORT)
        .setLineage(
            Lineage.newBuilder()
                .setMethod(LineageMethod.IMPORTED)
                .setImportedFrom(adapterImport.getSource())
                .build())
        .setAdapterImport(adapterImport)
        .build();
  }

  /** A verdict on the candidate that passed every gate. */
  public static EvaluationVerdict passed(AdapterCandidate candidate) {
    return verdict(
        candidate,
        List.of(
            gate("learning", 0.82, 0.6, GateComparator.GREATER_OR_EQUAL, true),
            gate("retention", 0.93, 0.85, GateComparator.GREATER_OR_EQUAL, true),
            gate("leakage", 0.4, 1.0, GateComparator.LESS_OR_EQUAL, true)));
  }

  /** A verdict on the candidate that failed the leakage gate. */
  public static EvaluationVerdict failedLeakage(AdapterCandidate candidate) {
    return verdict(
        candidate,
        List.of(
            gate("learning", 0.82, 0.6, GateComparator.GREATER_OR_EQUAL, true),
            gate("leakage", 3.5, 1.0, GateComparator.LESS_OR_EQUAL, false)));
  }

  /**
   * A verdict with insufficient evidence: learning's interval straddles its threshold, no gate
   * failed.
   */
  public static EvaluationVerdict insufficientEvidence(AdapterCandidate candidate) {
    Gate learning =
        Gate.newBuilder(gate("learning", 0.12, 0.05, GateComparator.GREATER_OR_EQUAL, false))
            .setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE)
            .setN(9)
            .setLower(-0.02)
            .setUpper(0.25)
            .setConfidence(0.95)
            .build();
    EvaluationVerdict verdict =
        verdict(
            candidate,
            List.of(learning, gate("leakage", 0.4, 1.0, GateComparator.LESS_OR_EQUAL, true)));
    verdict.setOutcome(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
    return verdict;
  }

  /** A gate decided on a value alone. */
  public static Gate gate(
      String name, double value, double threshold, GateComparator comparator, boolean passed) {
    return Gate.newBuilder()
        .setName(name)
        .setValue(value)
        .setThreshold(threshold)
        .setComparator(comparator)
        .setPassed(passed)
        .build();
  }

  public static EvaluationVerdict verdict(AdapterCandidate candidate, List<Gate> gates) {
    boolean passed = gates.stream().allMatch(Gate::getPassed);
    Map<String, Double> metrics = new TreeMap<>();
    gates.forEach(gate -> metrics.put(gate.getName(), gate.getValue()));
    return EvaluationVerdict.newBuilder()
        // as the evaluator makes it (Verdicts.verdictId): the candidate id with #verdict
        .setVerdictId(candidate.getCandidateId() + "#verdict")
        .setAdapterKey(candidate.getAdapterKey())
        .setCandidate(candidate)
        .setIncumbentVersion(candidate.getParentVersion())
        .setPassed(passed)
        .setMetrics(metrics)
        .setGates(new ArrayList<>(gates))
        .setReportLocation("reports/" + candidate.getCandidateId() + ".html")
        .setEvaluatedAt(AT)
        .build();
  }

  /** An ERASURE training job of the key naming the versions trained on the erased subject. */
  public static TrainingJob erasureJob(String adapterKey, String jobId, List<Integer> versions) {
    return TrainingJob.newBuilder()
        .setJobId(jobId)
        .setAdapterKey(adapterKey)
        .setTenant(AdapterKey.parse(adapterKey).tenant())
        .setTrigger(JobTrigger.ERASURE)
        .setShards(List.of(shard("shard-" + jobId, 0, 100)))
        .setErasure(
            ErasureDetails.newBuilder()
                .setRequestId("erase-" + jobId)
                .setSubjectPseudonym("p-0123456789abcdef")
                .setAffectedVersions(versions)
                .build())
        .setCreatedAt(AT)
        .build();
  }

  /**
   * What the worker writes to {@code job-outcomes.v1} when it gives {@code job} up: {@code
   * skipReason} null for a job that failed on every attempt.
   */
  public static JobGivenUp givenUp(TrainingJob job, SkipReason skipReason, String detail) {
    return JobGivenUp.newBuilder()
        .setJobId(job.getJobId())
        .setTenant(job.getTenant())
        .setAdapterKey(job.getAdapterKey())
        .setTrigger(job.getTrigger())
        .setOutcome(skipReason == null ? GiveUpOutcome.FAILED : GiveUpOutcome.SKIPPED)
        .setSkipReason(skipReason)
        .setDetail(detail)
        .setWorkerId("worker-1")
        .setGivenUpAt(AT.plusSeconds(60))
        .build();
  }

  private static ShardRef shard(String seed, long from, long to) {
    return ShardRef.newBuilder()
        .setDigest(Digest.of(seed.getBytes(StandardCharsets.UTF_8)).hex())
        .setExampleCount((int) (to - from))
        .setTokenCount((to - from) * 128)
        .setOffsetRanges(List.of(new OffsetRange("perennial.examples.v1", 0, from, to)))
        .build();
  }
}
