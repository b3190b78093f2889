package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;

/**
 * A low-rank update applied to the base projections during one forward pass (see {@code
 * dev.perennial.model.lora.AdapterStack}): either a delta added to a projection's output, chosen
 * per row of the batch or one for all rows, or the adapter merged into the projection's weight.
 */
public interface AdapterDelta {

  /**
   * The weight the projection uses in this pass instead of its own {@code weight}, or null for its
   * own (an adapter merged into the weight; its {@link #delta} is then null).
   *
   * @param weight the projection's own weight [out, in], as the pass computes with it
   */
  default NDArray mergedWeight(int layer, TargetModule module, NDArray weight) {
    return null;
  }

  /**
   * The delta for one projection, or null when no adapter touches it.
   *
   * @param x the projection's input [B, T, in]
   * @return [B, T, out] or null
   */
  NDArray delta(int layer, TargetModule module, NDArray x);
}
