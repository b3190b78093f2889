package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * What every layer of one forward pass shares: rotary tables for the positions, the additive
 * attention mask, the KV cache (generation) and per-row adapters (batched multi-adapter scoring).
 * Every array here belongs to the pass's own manager.
 */
public final class ForwardContext {

  private static final float MASKED = -1e9f;

  private final NDManager manager;
  private final NDArray cos;
  private final NDArray sin;
  private final NDArray mask;
  private final KvCache cache;
  private final AdapterDelta adapters;
  private final boolean training;

  private ForwardContext(
      NDManager manager,
      NDArray cos,
      NDArray sin,
      NDArray mask,
      KvCache cache,
      AdapterDelta adapters,
      boolean training) {
    this.manager = manager;
    this.cos = cos;
    this.sin = sin;
    this.mask = mask;
    this.cache = cache;
    this.adapters = adapters;
    this.training = training;
  }

  /**
   * Builds the context of one pass.
   *
   * @param positionIds [B, T] int64 absolute positions of the new tokens
   * @param keyValid [B, S] float32, 1 for real keys and 0 for padding (S = cached + new), or null
   *     when no row is padded
   * @param cache the KV cache to read and extend, or null
   * @param adapters per-row LoRA deltas, or null
   */
  public static ForwardContext create(
      NDManager manager,
      LlamaConfig config,
      NDArray positionIds,
      NDArray keyValid,
      KvCache cache,
      AdapterDelta adapters,
      boolean training) {
    long rows = positionIds.getShape().get(0);
    long newTokens = positionIds.getShape().get(1);
    long past = cache == null ? 0 : cache.length();
    long keys = past + newTokens;
    // rotary tables [B, 1, T, D]: angle = position * inverse frequency, halves repeated
    NDArray inverse = manager.create(RotaryEmbedding.inverseFrequencies(config));
    NDArray angles = positionIds.toType(DataType.FLOAT32, false).expandDims(-1).mul(inverse);
    NDArray both = NDArrays.concat(new NDList(angles, angles), -1);
    NDArray cos = both.cos().expandDims(1);
    NDArray sin = both.sin().expandDims(1);
    // causal (and sliding-window) mask over absolute key slots [1, 1, T, S]
    NDArray queryIndex = manager.arange(past, keys, 1, DataType.FLOAT32).reshape(newTokens, 1);
    NDArray keyIndex = manager.arange(0, keys, 1, DataType.FLOAT32).reshape(1, keys);
    NDArray allowed = keyIndex.lte(queryIndex).toType(DataType.FLOAT32, false);
    if (config.slidingWindow() > 0) {
      NDArray inWindow =
          queryIndex.sub(keyIndex).lt(config.slidingWindow()).toType(DataType.FLOAT32, false);
      allowed = allowed.mul(inWindow);
    }
    allowed = allowed.reshape(1, 1, newTokens, keys);
    if (keyValid != null) {
      allowed = allowed.mul(keyValid.reshape(rows, 1, 1, keys));
    }
    NDArray mask = allowed.sub(1f).mul(-MASKED);
    return new ForwardContext(manager, cos, sin, mask, cache, adapters, training);
  }

  public NDManager manager() {
    return manager;
  }

  /** cos of the rotary angles, [B, 1, T, head_dim]. */
  public NDArray cos() {
    return cos;
  }

  /** sin of the rotary angles, [B, 1, T, head_dim]. */
  public NDArray sin() {
    return sin;
  }

  /** Additive attention mask, 0 where attending is allowed, a large negative value elsewhere. */
  public NDArray mask() {
    return mask;
  }

  public KvCache cache() {
    return cache;
  }

  public AdapterDelta adapters() {
    return adapters;
  }

  public boolean training() {
    return training;
  }
}
