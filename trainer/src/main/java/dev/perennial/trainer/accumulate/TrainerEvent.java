package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.trainer.shard.SourcedExample;
import java.util.List;

/**
 * What the accumulator learns from its input topics, merged into one stream and re-keyed by tenant
 * so that every event of a tenant reaches the one task holding the tenant's state.
 */
public sealed interface TrainerEvent {

  /** The tenant the event is about: the key the accumulator partitions by. */
  String tenant();

  /** An example from {@code examples.v1}, with the position it was read from. */
  record ExampleArrived(SourcedExample example) implements TrainerEvent {
    @Override
    public String tenant() {
      return example.example().getTenant();
    }
  }

  /** A subject's consent was revoked ({@code erasures.v1}). */
  record ErasureArrived(ErasureRequest request) implements TrainerEvent {
    @Override
    public String tenant() {
      return request.getTenant();
    }
  }

  /**
   * The worker made a candidate ({@code candidates.v1}): which job, on top of which release; for a
   * REBASE candidate, the version of the old base's release it moved (the worker moves the stable
   * release it finds when it trains, which may be newer than the one the job was planned from); its
   * weight blobs ({@code erasure.CandidateWeights}; null in events written before they were
   * carried).
   */
  record CandidateArrived(
      String adapterKey,
      String candidateId,
      String jobId,
      Integer parentVersion,
      Integer movedVersion,
      List<String> weightBlobs)
      implements TrainerEvent {

    public CandidateArrived {
      weightBlobs = weightBlobs == null ? null : List.copyOf(weightBlobs);
    }

    public CandidateArrived(
        String adapterKey, String candidateId, String jobId, Integer parentVersion) {
      this(adapterKey, candidateId, jobId, parentVersion, null, null);
    }

    public CandidateArrived(
        String adapterKey,
        String candidateId,
        String jobId,
        Integer parentVersion,
        Integer movedVersion) {
      this(adapterKey, candidateId, jobId, parentVersion, movedVersion, null);
    }

    @Override
    public String tenant() {
      return AdapterKey.tenantOf(adapterKey).orElse(null);
    }
  }

  /**
   * The evaluator found a candidate's evidence insufficient ({@code verdicts.v1}): its job's data
   * rolls into the key's next job.
   */
  record InsufficientEvidence(String adapterKey, String candidateId, String jobId)
      implements TrainerEvent {
    @Override
    public String tenant() {
      return AdapterKey.tenantOf(adapterKey).orElse(null);
    }
  }

  /**
   * The evaluator refused a REBASE candidate ({@code verdicts.v1}): one that carried the key's
   * release over is distilled onto the new base instead; a refused distillation waits for the base
   * to be announced again.
   */
  record RebaseRefused(String adapterKey, String candidateId, String jobId)
      implements TrainerEvent {
    @Override
    public String tenant() {
      return AdapterKey.tenantOf(adapterKey).orElse(null);
    }
  }

  /**
   * The worker gave a job up ({@code job-outcomes.v1}): training failed on every attempt, or it was
   * skipped ({@code outcome} says which, with the skip reason). No candidate will come of it, so no
   * verdict either: a REBASE job is settled by it.
   */
  record JobGivenUp(String adapterKey, String jobId, String outcome) implements TrainerEvent {
    @Override
    public String tenant() {
      return AdapterKey.tenantOf(adapterKey).orElse(null);
    }
  }

  /**
   * A release of a candidate exists ({@code releases.v1}); {@code stables} is the key's stable
   * release on every base after it (empty in events written before they were carried); {@code
   * weightBlobs} are the weight blobs of {@code version} as the record names them ({@code
   * erasure.CandidateWeights}; null in events written before they were carried).
   */
  record ReleaseArrived(
      String adapterKey,
      int version,
      String candidateId,
      List<StableOnBase> stables,
      List<String> weightBlobs)
      implements TrainerEvent {

    public ReleaseArrived {
      stables = stables == null ? List.of() : List.copyOf(stables);
      weightBlobs = weightBlobs == null ? null : List.copyOf(weightBlobs);
    }

    public ReleaseArrived(
        String adapterKey, int version, String candidateId, List<StableOnBase> stables) {
      this(adapterKey, version, candidateId, stables, null);
    }

    public ReleaseArrived(String adapterKey, int version, String candidateId) {
      this(adapterKey, version, candidateId, List.of(), null);
    }

    @Override
    public String tenant() {
      return AdapterKey.tenantOf(adapterKey).orElse(null);
    }
  }
}
