package dev.perennial.model.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The small-loss trick against flipped preference labels (Han et al. 2018; ROPO, Liang et al.
 * 2024): a pair whose label is flipped contradicts what the job's other pairs on the same fact
 * teach, so once the policy has seen every pair its loss stays above theirs. Each pair's latest
 * loss is remembered; once every pair has been seen, a pair whose current loss is among the highest
 * {@code share} of all pairs' latest losses is left out of the step (its loss weighed 0). A label
 * no other record contradicts (a fact whose every pair is flipped) cannot be told apart this way.
 */
final class SmallLossSelection {

  private final int items;
  private final int dropped;
  private final Map<Integer, Double> latest = new HashMap<>();

  /**
   * @param items the pairs of the job
   * @param share the share of them left out of each step once all were seen, in [0, 0.5)
   */
  SmallLossSelection(int items, double share) {
    if (!(share >= 0 && share < 0.5)) {
      throw new IllegalArgumentException("the dropped share must be in [0, 0.5), not " + share);
    }
    this.items = items;
    this.dropped = (int) Math.floor(share * items);
  }

  /**
   * Records {@code losses} as the latest of {@code pairs} and says which to keep: 1 for a kept
   * pair, 0 for one left out (every pair is kept until all were seen; ties at the cut are left
   * out).
   */
  float[] keep(List<Integer> pairs, float[] losses) {
    for (int i = 0; i < pairs.size(); i++) {
      latest.put(pairs.get(i), (double) losses[i]);
    }
    float[] keep = new float[pairs.size()];
    Arrays.fill(keep, 1f);
    if (dropped == 0 || latest.size() < items) {
      return keep;
    }
    double[] sorted = latest.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double cut = sorted[sorted.length - dropped];
    for (int i = 0; i < pairs.size(); i++) {
      keep[i] = losses[i] >= cut ? 0f : 1f;
    }
    return keep;
  }
}
