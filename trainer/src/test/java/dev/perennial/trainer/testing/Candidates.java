package dev.perennial.trainer.testing;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.v1.TrainingMetrics;
import dev.perennial.schemas.v1.TrainingRecipe;
import dev.perennial.trainer.lineage.JobIds;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The worker's candidate of a job (and the publisher's release of it), as the accumulator's tests
 * feed them back: the job's ids, key and shards, a fresh lineage on {@code perennial-tiny}, no
 * weight files and placeholder recipe and metrics (the accumulator reads none of them). A test sets
 * what it is about on the builder.
 */
public final class Candidates {

  private Candidates() {}

  public static AdapterCandidate.Builder of(TrainingJob job) {
    return AdapterCandidate.newBuilder()
        .setCandidateId(JobIds.candidateId(job.getJobId()))
        .setJobId(job.getJobId())
        .setAdapterKey(job.getAdapterKey())
        .setTenant(job.getTenant())
        .setLocation("sha256:" + "aa".repeat(32))
        .setFileDigests(Map.of())
        .setBaseModelName("perennial-tiny")
        .setBaseModelDigest("sha256:" + "ab".repeat(32))
        .setShards(job.getShards())
        .setTrigger(JobTrigger.MIN_EXAMPLES)
        .setLineage(Lineage.newBuilder().setMethod(LineageMethod.FRESH).build())
        .setExampleCount(1)
        .setTokenCount(1)
        .setRecipe(
            TrainingRecipe.newBuilder()
                .setSeed(42)
                .setEpochs(1)
                .setBatchSize(1)
                .setMaxSequenceLength(64)
                .setOptimizer("adamw")
                .setLearningRate(1e-3)
                .setLearningRateSchedule("constant")
                .setWarmupSteps(0)
                .setWeightDecay(0)
                .setMaxGradNorm(1.0)
                .setLoraRank(8)
                .setLoraAlpha(16)
                .setLoraDropout(0)
                .setTargetModules(List.of("q_proj"))
                .setReplayRatio(0)
                .build())
        .setMetrics(
            TrainingMetrics.newBuilder()
                .setSteps(1)
                .setTrainedTokens(1)
                .setInitialLoss(1)
                .setFinalLoss(1)
                .setMinLoss(1)
                .setLossCurveSteps(List.of())
                .setLossCurve(List.of())
                .setTokensPerSecond(1)
                .build())
        .setTrainerVersion("test")
        .setDevice("cpu()")
        .setTrainingMillis(1)
        .setTotalMillis(1)
        .setCreatedAt(Instant.EPOCH);
  }

  /** The publisher's release {@code version} of the job's candidate, of no weight files. */
  public static AdapterRelease.Builder releaseOf(TrainingJob job, int version) {
    return AdapterRelease.newBuilder()
        .setAdapterKey(job.getAdapterKey())
        .setVersion(version)
        .setAction(ReleaseAction.PUBLISHED)
        .setLocation("sha256:" + "aa".repeat(32))
        .setManifestDigest("12".repeat(32))
        .setFileDigests(Map.of())
        .setBaseModelName("perennial-tiny")
        .setBaseModelDigest("sha256:" + "ab".repeat(32))
        .setCandidateId(JobIds.candidateId(job.getJobId()))
        .setLatestVersion(version)
        .setAliases(Map.of())
        .setAliasTargets(List.of())
        .setBaseAliases(List.of())
        .setOccurredAt(Instant.EPOCH);
  }
}
