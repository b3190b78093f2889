package dev.perennial.trainer.worker;

import dev.perennial.core.crypto.Digest;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.ModulePlasticity;
import dev.perennial.schemas.v1.Plasticity;
import dev.perennial.schemas.v1.TrainingMetrics;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.RecordBudget;
import dev.perennial.trainer.lineage.TrainerVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The smallest candidate this worker could write: the fields every candidate has, with the
 * configured recipe and target modules, the base model's name and digest and its adapter files'
 * digests, the plasticity monitor's entry for each adapted module (written for every trained
 * candidate), and empty job lists. A job is written in seven eighths of a record and leaves its
 * candidate the last eighth ({@link RecordBudget#candidateBytes}): a {@code max.request.size} whose
 * eighth cannot hold even this would have the worker train every job and give each up, so the
 * worker refuses to start instead. The job's ids, key and tenant are left empty (they are the
 * job's), and so is the recipe search's record: a worker with the search on writes none for a job
 * the search does not fit, so its smallest candidate has none either.
 */
final class CandidateFloor {

  private static final String EMPTY_DIGEST = Digest.PREFIX + "0".repeat(64);

  private CandidateFloor() {}

  /** The smallest candidate a worker with {@code recipe} on {@code base} could write. */
  static AdapterCandidate candidate(
      JobRecipe recipe, BaseModel base, Map<String, String> recordedInputs) {
    return AdapterCandidate.newBuilder()
        .setCandidateId("")
        .setJobId("")
        .setAdapterKey("")
        .setTenant("")
        .setLocation("")
        .setFileDigests(
            Map.of(PeftAdapter.CONFIG_FILE, EMPTY_DIGEST, PeftAdapter.WEIGHTS_FILE, EMPTY_DIGEST))
        .setBaseModelName(base.name())
        .setBaseModelDigest(base.digest())
        .setShards(List.of())
        .setLineage(
            Lineage.newBuilder()
                .setMethod(LineageMethod.FRESH)
                .setPlasticity(plasticity(recipe, base))
                .build())
        .setExampleCount(0)
        .setTokenCount(0)
        .setRecipe(recipe.record(recipe.modelRecipe(1), recipe.freshLora(), recordedInputs))
        .setMetrics(
            TrainingMetrics.newBuilder()
                .setSteps(0)
                .setTrainedTokens(0)
                .setInitialLoss(0)
                .setFinalLoss(0)
                .setMinLoss(0)
                .setLossCurveSteps(List.of())
                .setLossCurve(List.of())
                .setTokensPerSecond(0)
                .build())
        .setTrainerVersion(TrainerVersion.get())
        .setDevice("")
        .setTrainingMillis(0)
        .setTotalMillis(0)
        .setCreatedAt(Instant.EPOCH)
        .build();
  }

  /** The bytes {@link #candidate} takes, measured as the accumulator measures its jobs. */
  static long bytes(JobRecipe recipe, BaseModel base, Map<String, String> recordedInputs) {
    AdapterCandidate candidate = candidate(recipe, base, recordedInputs);
    try {
      return RecordBudget.size(candidate.toByteBuffer(), candidate.getAdapterKey());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Why {@code budget} leaves a candidate less than the {@code floor} bytes its own fields take at
   * least, or empty.
   */
  static Optional<String> tooSmall(RecordBudget budget, long floor) {
    if (budget.candidateBytes() >= floor) {
      return Optional.empty();
    }
    return Optional.of(
        "max.request.size "
            + budget.maxRequestSize()
            + " leaves a candidate "
            + budget.candidateBytes()
            + " bytes for its own fields (the last eighth of the "
            + budget.recordBytes()
            + " a record may take beyond 1 KiB of overhead; its job takes the rest), less than the "
            + floor
            + " the smallest candidate of this worker's recipe, target modules and base takes:"
            + " every job would be trained and given up. Set producer.max.request.size or"
            + " max.request.size to at least "
            + RecordBudget.requestSizeLeaving(floor)
            + " on both trainer stages (and the topics' max.message.bytes)");
  }

  /** Refuses a worker whose {@code budget} leaves its candidates less than {@code floor}. */
  static void check(RecordBudget budget, long floor) {
    Optional<String> why = tooSmall(budget, floor);
    if (why.isPresent()) {
      throw new TrainerException(why.get());
    }
  }

  /**
   * The monitor's entry with one zeroed module per layer and target module (nulls where it may).
   */
  private static Plasticity plasticity(JobRecipe recipe, BaseModel base) {
    List<ModulePlasticity> modules = new ArrayList<>();
    for (int layer = 0; layer < base.config().numHiddenLayers(); layer++) {
      for (TargetModule module : recipe.freshLora().targetModules()) {
        modules.add(
            ModulePlasticity.newBuilder()
                .setPath(module.path(layer))
                .setNormA(0)
                .setNormB(0)
                .setProductNorm(0)
                .setEffectiveRank(0)
                .build());
      }
    }
    return Plasticity.newBuilder()
        .setUpdate(1)
        .setLearningGain(null)
        .setControlGain(null)
        .setGainRatio(null)
        .setRefreshDue(false)
        .setEffectiveRank(0)
        .setWeightNorm(0)
        .setProductNorm(0)
        .setModules(modules)
        .build();
  }
}
