package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/** One pre-norm transformer layer: attention and MLP, each around a residual connection. */
public final class DecoderLayer extends DecoderBlock {

  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final SwiGluMlp mlp;

  public DecoderLayer(LlamaConfig config, int layer, ProjectionWrapper wrapper) {
    inputNorm =
        addChildBlock("input_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    attention = addChildBlock("self_attn", new Attention(config, layer, wrapper));
    postAttentionNorm =
        addChildBlock(
            "post_attention_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    mlp = addChildBlock("mlp", new SwiGluMlp(config, layer, wrapper));
  }

  public NDArray forward(ParameterStore parameterStore, NDArray x, ForwardContext context) {
    boolean training = context.training();
    // attention sub-layer
    NDArray normed = inputNorm.forward(parameterStore, x, training);
    NDArray afterAttention = x.add(attention.forward(parameterStore, normed, context));
    // MLP sub-layer
    NDArray normedAgain = postAttentionNorm.forward(parameterStore, afterAttention, training);
    return afterAttention.add(mlp.forward(parameterStore, normedAgain, context));
  }

  public RmsNorm inputNorm() {
    return inputNorm;
  }

  public RmsNorm postAttentionNorm() {
    return postAttentionNorm;
  }

  public LinearLayer projection(TargetModule module) {
    switch (module) {
      case Q:
      case K:
      case V:
      case O:
        return attention.projection(module);
      default:
        return mlp.projection(module);
    }
  }
}
