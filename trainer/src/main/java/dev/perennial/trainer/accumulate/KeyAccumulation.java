package dev.perennial.trainer.accumulate;

/**
 * What is pending for one adapter key, and its counters.
 *
 * @param trainCount pending examples on the training side of the split (what triggers count)
 * @param trainTokens their tokens
 * @param heldOutCount pending held-out examples (they ride along with the next job)
 * @param firstPendingAtMs wall-clock time the first pending training example arrived, null when
 *     none is pending
 * @param nextShardSeq sequence number of the key's next shard
 * @param nextJobSeq sequence number of the key's next job
 */
public record KeyAccumulation(
    String adapterKey,
    int trainCount,
    long trainTokens,
    int heldOutCount,
    Long firstPendingAtMs,
    long nextShardSeq,
    long nextJobSeq) {

  public static KeyAccumulation empty(String adapterKey) {
    return new KeyAccumulation(adapterKey, 0, 0, 0, null, 1, 1);
  }

  public KeyAccumulation withTrainExample(long tokens, long nowMs) {
    return new KeyAccumulation(
        adapterKey,
        trainCount + 1,
        trainTokens + tokens,
        heldOutCount,
        firstPendingAtMs == null ? nowMs : firstPendingAtMs,
        nextShardSeq,
        nextJobSeq);
  }

  public KeyAccumulation withHeldOutExample() {
    return new KeyAccumulation(
        adapterKey,
        trainCount,
        trainTokens,
        heldOutCount + 1,
        firstPendingAtMs,
        nextShardSeq,
        nextJobSeq);
  }

  /** The same counters with different pending totals (after an erasure or a seal). */
  public KeyAccumulation withPending(int train, long tokens, int heldOut, Long firstPendingAt) {
    return new KeyAccumulation(
        adapterKey,
        train,
        tokens,
        heldOut,
        train == 0 ? null : firstPendingAt,
        nextShardSeq,
        nextJobSeq);
  }

  public KeyAccumulation withNextShardSeq(long next) {
    return new KeyAccumulation(
        adapterKey, trainCount, trainTokens, heldOutCount, firstPendingAtMs, next, nextJobSeq);
  }

  public KeyAccumulation withNextJobSeq(long next) {
    return new KeyAccumulation(
        adapterKey, trainCount, trainTokens, heldOutCount, firstPendingAtMs, nextShardSeq, next);
  }
}
