package dev.perennial.evaluator.testing;

import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingMetrics;
import dev.perennial.schemas.v1.TrainingRecipe;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Candidates as the trainer describes them, for tests. */
public final class Candidates {

  public static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

  private Candidates() {}

  /**
   * A candidate of {@code adapterKey} whose adapter lies at {@code location} (file digests as
   * given), trained on the given shards.
   */
  public static AdapterCandidate candidate(
      String adapterKey,
      String candidateId,
      String location,
      Map<String, String> fileDigests,
      String baseName,
      String baseDigest,
      List<ShardRef> shards,
      List<ShardRef> heldOut,
      double learningRate) {
    return AdapterCandidate.newBuilder()
        .setCandidateId(candidateId)
        .setJobId(candidateId.replace("#candidate", ""))
        .setAdapterKey(adapterKey)
        .setTenant(AdapterKey.parse(adapterKey).tenant())
        .setLocation(location)
        .setFileDigests(fileDigests)
        .setBaseModelName(baseName)
        .setBaseModelDigest(baseDigest)
        .setParentVersion(null)
        .setShards(shards)
        .setHeldOutShards(heldOut)
        .setReplayShards(List.of())
        .setTrigger(JobTrigger.MIN_EXAMPLES)
        .setExampleCount(shards.stream().mapToInt(ShardRef::getExampleCount).sum())
        .setTokenCount(4_000)
        .setRecipe(
            TrainingRecipe.newBuilder()
                .setSeed(42)
                .setEpochs(3)
                .setMaxSteps(12)
                .setBatchSize(8)
                .setMaxSequenceLength(128)
                .setOptimizer("adamw")
                .setLearningRate(learningRate)
                .setLearningRateSchedule("linear-warmup-cosine")
                .setWarmupSteps(2)
                .setWeightDecay(0)
                .setMaxGradNorm(1.0)
                .setLoraRank(8)
                .setLoraAlpha(16)
                .setLoraDropout(0)
                .setTargetModules(List.of("q_proj", "v_proj"))
                .setReplayRatio(0.25)
                .setExtras(Map.of())
                .build())
        .setMetrics(
            TrainingMetrics.newBuilder()
                .setSteps(12)
                .setTrainedTokens(10_000)
                .setInitialLoss(2.5)
                .setFinalLoss(1.1)
                .setMinLoss(1.05)
                .setLossCurveSteps(List.of(1, 4, 8, 12))
                .setLossCurve(List.of(2.5, 1.9, 1.3, 1.1))
                .setTokensPerSecond(5_000)
                .build())
        .setTrainerVersion("test")
        .setDevice("cpu()")
        .setTrainingMillis(1_000)
        .setTotalMillis(1_200)
        .setCreatedAt(AT)
        .build();
  }

  /** acme/support's REBASE candidate onto perennial-tiny-2, its lineage naming {@code method}. */
  public static AdapterCandidate rebased(LineageMethod method) {
    AdapterCandidate candidate =
        candidate(
            "acme/support",
            "acme/support@4-rebase#candidate",
            "sha256:" + "a".repeat(64),
            Map.of(),
            "perennial-tiny-2",
            "sha256:" + "b".repeat(64),
            List.of(shard("c".repeat(64), 30)),
            List.of(),
            0.003);
    candidate.setTrigger(JobTrigger.REBASE);
    candidate.setLineage(Lineage.newBuilder().setMethod(method).build());
    return candidate;
  }

  /** A shard reference with one offset range. */
  public static ShardRef shard(String digest, int examples) {
    return ShardRef.newBuilder()
        .setDigest(digest)
        .setExampleCount(examples)
        .setTokenCount(examples * 64L)
        .setOffsetRanges(List.of(new OffsetRange("perennial.examples.v1", 0, 0L, (long) examples)))
        .build();
  }
}
