package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.v1.JobTrigger;
import java.util.List;

/**
 * A job the accumulator emitted, with the digests (hex) of the shards it trains on, holds out and
 * replays; {@code supersededBy} is set once an erasure removed data it trained on; {@code rebaseTo}
 * is the digest (hex) of the base a REBASE job moves the key to (null for other jobs).
 */
public record JobEntry(
    String jobId,
    JobTrigger trigger,
    List<String> trainShards,
    List<String> heldOutShards,
    List<String> replayShards,
    ErasureMark supersededBy,
    String rebaseTo) {

  public JobEntry(
      String jobId,
      JobTrigger trigger,
      List<String> trainShards,
      List<String> heldOutShards,
      List<String> replayShards,
      ErasureMark supersededBy) {
    this(jobId, trigger, trainShards, heldOutShards, replayShards, supersededBy, null);
  }

  public JobEntry withShards(List<String> train, List<String> heldOut, List<String> replay) {
    return new JobEntry(jobId, trigger, train, heldOut, replay, supersededBy, rebaseTo);
  }

  public JobEntry supersededBy(ErasureMark mark) {
    return new JobEntry(jobId, trigger, trainShards, heldOutShards, replayShards, mark, rebaseTo);
  }
}
