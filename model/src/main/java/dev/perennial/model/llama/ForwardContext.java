package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.model.runtime.EngineArrays;

/**
 * What every layer of one forward pass shares: rotary tables for the positions, the additive
 * attention mask, the KV cache (generation) and per-row adapters (batched multi-adapter scoring).
 * Every array here belongs to the pass's own manager.
 *
 * @param cos cos of the rotary angles, [B, 1, T, head_dim]
 * @param sin sin of the rotary angles, [B, 1, T, head_dim]
 * @param fullMask the additive mask of a full-attention layer ({@link #mask})
 * @param slidingMask the additive mask of a sliding layer ({@link #mask})
 * @param cache the KV cache to read and extend, or null
 * @param adapters per-row LoRA deltas, or null
 */
public record ForwardContext(
    NDManager manager,
    NDArray cos,
    NDArray sin,
    NDArray fullMask,
    NDArray slidingMask,
    LlamaConfig config,
    KvCache cache,
    AdapterDelta adapters,
    boolean training) {

  private static final float MASKED = -1e9f;

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
    NDArray inverse = EngineArrays.of(manager, RotaryEmbedding.inverseFrequencies(config));
    NDArray angles = positionIds.toType(DataType.FLOAT32, false).expandDims(-1).mul(inverse);
    NDArray both = NDArrays.concat(new NDList(angles, angles), -1);
    NDArray cos = both.cos().expandDims(1);
    NDArray sin = both.sin().expandDims(1);
    // causal mask over absolute key slots [1, 1, T, S], and its sliding-window form when a layer
    // slides
    NDArray queryIndex = manager.arange(past, keys, 1, DataType.FLOAT32).reshape(newTokens, 1);
    NDArray keyIndex = manager.arange(0, keys, 1, DataType.FLOAT32).reshape(1, keys);
    NDArray causal = keyIndex.lte(queryIndex).toType(DataType.FLOAT32, false);
    NDArray valid = keyValid == null ? null : keyValid.reshape(rows, 1, 1, keys);
    NDArray fullMask = additive(causal, newTokens, keys, valid);
    NDArray slidingMask = null;
    if (config.layerTypes().contains(LayerType.SLIDING_ATTENTION)) {
      NDArray inWindow =
          queryIndex.sub(keyIndex).lt(config.slidingWindow()).toType(DataType.FLOAT32, false);
      slidingMask = additive(causal.mul(inWindow), newTokens, keys, valid);
    }
    return new ForwardContext(
        manager, cos, sin, fullMask, slidingMask, config, cache, adapters, training);
  }

  /** 0 where allowed (and, when given, on a valid key), a large negative value elsewhere. */
  private static NDArray additive(NDArray allowed, long newTokens, long keys, NDArray valid) {
    NDArray shaped = allowed.reshape(1, 1, newTokens, keys);
    if (valid != null) {
      shaped = shaped.mul(valid);
    }
    return shaped.sub(1f).mul(-MASKED);
  }

  /**
   * The additive attention mask of one layer, 0 where attending is allowed, a large negative value
   * elsewhere: causal, and within the sliding window in a sliding layer.
   */
  public NDArray mask(int layer) {
    return config.windowOf(layer) > 0 ? slidingMask : fullMask;
  }
}
