package dev.perennial.trainer.accumulate;

import java.util.List;

/**
 * A candidate seen on {@code candidates.v1}: the job it was trained for, its parent release, the
 * release a REBASE candidate moved, and its weight blobs in the artifact store ({@code
 * erasure.CandidateWeights}; null in entries written before they were recorded). {@code
 * weightsPurgedBy} is the erasure request whose data it was trained on, once its weights are
 * deleted.
 */
public record CandidateEntry(
    String candidateId,
    String jobId,
    Integer parentVersion,
    Integer movedVersion,
    List<String> weightBlobs,
    String weightsPurgedBy) {

  public CandidateEntry weightsPurgedBy(String requestId) {
    return new CandidateEntry(
        candidateId, jobId, parentVersion, movedVersion, weightBlobs, requestId);
  }
}
