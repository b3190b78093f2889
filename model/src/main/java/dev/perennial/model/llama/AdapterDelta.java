package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;

/**
 * A low-rank update added to a base projection's output during one forward pass, chosen per row of
 * the batch (see {@code dev.perennial.model.lora.AdapterStack}).
 */
public interface AdapterDelta {

  /**
   * The delta for one projection, or null when no adapter touches it.
   *
   * @param x the projection's input [B, T, in]
   * @return [B, T, out] or null
   */
  NDArray delta(int layer, TargetModule module, NDArray x);
}
