package dev.perennial.trainer.accumulate;

/**
 * A release seen on {@code releases.v1} and the candidate it was made from; {@code erasedBy} is set
 * once it is known to hold erased data.
 */
public record ReleaseEntry(int version, String candidateId, ErasureMark erasedBy) {

  public ReleaseEntry erasedBy(ErasureMark mark) {
    return new ReleaseEntry(version, candidateId, mark);
  }
}
