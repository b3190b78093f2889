package dev.perennial.trainer.accumulate;

import java.util.List;

/**
 * A release seen on {@code releases.v1} and the candidate it was made from; {@code erasedBy} is set
 * once it is known to hold erased data. {@code weightBlobs} are its weight blobs in the artifact
 * store as a record of it named them ({@code erasure.CandidateWeights}); null in entries written
 * before they were recorded.
 */
public record ReleaseEntry(
    int version, String candidateId, ErasureMark erasedBy, List<String> weightBlobs) {

  public ReleaseEntry erasedBy(ErasureMark mark) {
    return new ReleaseEntry(version, candidateId, mark, weightBlobs);
  }

  public ReleaseEntry withWeightBlobs(List<String> blobs) {
    return new ReleaseEntry(version, candidateId, erasedBy, blobs);
  }
}
