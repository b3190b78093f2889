package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.perennial.model.runtime.EngineArrays;

/** Causal grouped-query self-attention with rotary positions (Hugging Face's LlamaAttention). */
public final class Attention extends DecoderBlock {

  private final int layer;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final LinearLayer queryProjection;
  private final LinearLayer keyProjection;
  private final LinearLayer valueProjection;
  private final LinearLayer outputProjection;

  public Attention(LlamaConfig config, int layer, ProjectionWrapper wrapper) {
    this.layer = layer;
    this.heads = config.numAttentionHeads();
    this.kvHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
    int hidden = config.hiddenSize();
    boolean qkvBias = config.hasQkvBias();
    queryProjection =
        addChildBlock(
            "q_proj",
            wrapper.wrap(new Projection(layer, TargetModule.Q, hidden, heads * headDim, qkvBias)));
    keyProjection =
        addChildBlock(
            "k_proj",
            wrapper.wrap(
                new Projection(layer, TargetModule.K, hidden, kvHeads * headDim, qkvBias)));
    valueProjection =
        addChildBlock(
            "v_proj",
            wrapper.wrap(
                new Projection(layer, TargetModule.V, hidden, kvHeads * headDim, qkvBias)));
    outputProjection =
        addChildBlock(
            "o_proj",
            wrapper.wrap(
                new Projection(
                    layer, TargetModule.O, heads * headDim, hidden, config.attentionBias())));
  }

  /** x [B, T, hidden] to [B, T, hidden]. */
  public NDArray forward(ParameterStore parameterStore, NDArray x, ForwardContext context) {
    long batch = x.getShape().get(0);
    long tokens = x.getShape().get(1);
    // project and split into heads: [B, heads, T, head_dim]
    NDArray queries =
        queryProjection
            .forward(parameterStore, x, context)
            .reshape(batch, tokens, heads, headDim)
            .transpose(0, 2, 1, 3);
    NDArray keys =
        keyProjection
            .forward(parameterStore, x, context)
            .reshape(batch, tokens, kvHeads, headDim)
            .transpose(0, 2, 1, 3);
    NDArray values =
        valueProjection
            .forward(parameterStore, x, context)
            .reshape(batch, tokens, kvHeads, headDim)
            .transpose(0, 2, 1, 3);
    // rotate queries and keys by their positions
    queries = RotaryEmbedding.apply(queries, context.cos(), context.sin());
    keys = RotaryEmbedding.apply(keys, context.cos(), context.sin());
    // with a cache, attend over every token so far
    if (context.cache() != null) {
      NDArray[] cached = context.cache().append(layer, keys, values, context.manager());
      keys = cached[0];
      values = cached[1];
    }
    // grouped-query attention: each key/value head serves heads/kv_heads consecutive query heads
    int group = heads / kvHeads;
    if (group > 1) {
      keys = keys.repeat(1, group);
      values = values.repeat(1, group);
    }
    // scaled dot-product attention under the additive mask, softmax in float32; the scale is an
    // engine-owned scalar because the backward pass reads it (see EngineArrays)
    NDArray scale = EngineArrays.scalar(context.manager(), (float) (1.0 / Math.sqrt(headDim)));
    NDArray scores = queries.matMul(keys.transpose(0, 1, 3, 2)).mul(scale).add(context.mask(layer));
    NDArray attended = scores.softmax(-1).matMul(values);
    // merge heads back: [B, T, heads * head_dim]
    NDArray merged = attended.transpose(0, 2, 1, 3).reshape(batch, tokens, (long) heads * headDim);
    return outputProjection.forward(parameterStore, merged, context);
  }

  public LinearLayer projection(TargetModule module) {
    switch (module) {
      case Q:
        return queryProjection;
      case K:
        return keyProjection;
      case V:
        return valueProjection;
      case O:
        return outputProjection;
      default:
        throw new IllegalArgumentException(module + " is not an attention projection");
    }
  }
}
