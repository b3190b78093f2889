package dev.perennial.model.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family decoder-only language model: token embedding, N decoder layers, final RMSNorm and
 * a (tied or separate) LM head. Parameters are addressed by their Hugging Face tensor names.
 *
 * <p>The block holds no arrays of its own: {@code dev.perennial.model.checkpoint.ModelWeights}
 * assigns them from a checkpoint or a seeded initialisation.
 */
public final class DecoderModel extends AbstractBlock {

  private final LlamaConfig config;
  private final TokenEmbedding embedding;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final RmsNorm finalNorm;
  private final OutputHead lmHead;

  public DecoderModel(LlamaConfig config, ProjectionWrapper wrapper) {
    this.config = config;
    embedding =
        addChildBlock("embed_tokens", new TokenEmbedding(config.vocabSize(), config.hiddenSize()));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(addChildBlock("layers_" + i, new DecoderLayer(config, i, wrapper)));
    }
    finalNorm = addChildBlock("norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    // the LM head is never a LoRA target; with tied embeddings it reuses the embedding table
    lmHead =
        config.tieWordEmbeddings()
            ? null
            : addChildBlock("lm_head", new OutputHead(config.vocabSize(), config.hiddenSize()));
  }

  /** A decoder with plain projections everywhere. */
  public static DecoderModel base(LlamaConfig config) {
    return new DecoderModel(config, ProjectionWrapper.NONE);
  }

  public LlamaConfig config() {
    return config;
  }

  /**
   * Token ids [B, T] to logits [B, T, vocab].
   *
   * @param context positions, mask, cache and adapters of this pass
   */
  public NDArray forward(ParameterStore parameterStore, NDArray tokenIds, ForwardContext context) {
    NDArray normed = hiddenStates(parameterStore, tokenIds, context);
    return Linear.linear(
            normed, outputWeight(parameterStore, normed.getDevice(), context.training()))
        .singletonOrThrow();
  }

  /**
   * Token ids [B, T] to the final-normed hidden states [B, T, hidden] that the LM head turns into
   * logits: what a caller computing log-probabilities over vocabulary chunks starts from.
   */
  public NDArray hiddenStates(
      ParameterStore parameterStore, NDArray tokenIds, ForwardContext context) {
    boolean training = context.training();
    // embed
    NDArray hidden = embed(parameterStore, tokenIds, training);
    // the decoder stack
    for (DecoderLayer layer : layers) {
      hidden = layer.forward(parameterStore, hidden, context);
    }
    // final norm
    return finalNorm(parameterStore, hidden, training);
  }

  /** Token ids [B, T] to the embeddings [B, T, hidden] the first layer reads. */
  public NDArray embed(ParameterStore parameterStore, NDArray tokenIds, boolean training) {
    return embedding.forward(parameterStore, tokenIds, training);
  }

  /** The last layer's output [B, T, hidden] through the final norm. */
  public NDArray finalNorm(ParameterStore parameterStore, NDArray hidden, boolean training) {
    return finalNorm.forward(parameterStore, hidden, training);
  }

  /** The parameter of the token embedding table. */
  public Parameter embeddingParameter() {
    return embedding.weight();
  }

  /**
   * The LM head's weight [vocab, hidden]: the embedding table when tied, else {@code lm_head}. The
   * head is never a LoRA target, so per-row adapters never reach it.
   */
  public NDArray outputWeight(ParameterStore parameterStore, Device device, boolean training) {
    return parameterStore.getValue(outputParameter(), device, training);
  }

  /** The parameter holding the LM head's weight (the embedding table when tied). */
  public Parameter outputParameter() {
    return lmHead == null ? embedding.weight() : lmHead.weight();
  }

  /**
   * DJL's block entry: {@code [token ids]} or {@code [token ids, attention mask]} (right-padded
   * rows, mask 1 for real tokens) to {@code [logits]}.
   */
  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray tokenIds = inputs.get(0);
    NDManager manager = tokenIds.getManager();
    long batch = tokenIds.getShape().get(0);
    long tokens = tokenIds.getShape().get(1);
    NDArray positions =
        manager.arange(0, tokens, 1, DataType.INT64).reshape(1, tokens).repeat(0, batch);
    NDArray keyValid = inputs.size() > 1 ? inputs.get(1).toType(DataType.FLOAT32, false) : null;
    ForwardContext context =
        ForwardContext.create(manager, config, positions, keyValid, null, null, training);
    return new NDList(forward(parameterStore, tokenIds, context));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(config.vocabSize())};
  }

  public List<DecoderLayer> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** The linear layer standing in a projection's place (a LoRA layer when one wraps it). */
  public LinearLayer projection(int layer, TargetModule module) {
    return layers.get(layer).projection(module);
  }

  /** Every base parameter by Hugging Face tensor name, in checkpoint order. */
  public Map<String, Parameter> baseParameters() {
    Map<String, Parameter> named = new LinkedHashMap<>();
    named.put("model.embed_tokens.weight", embedding.weight());
    for (int i = 0; i < layers.size(); i++) {
      DecoderLayer layer = layers.get(i);
      String prefix = "model.layers." + i + ".";
      named.put(prefix + "input_layernorm.weight", layer.inputNorm().weight());
      for (TargetModule module : TargetModule.values()) {
        Projection projection = layer.projection(module).base();
        named.put(module.path(i) + ".weight", projection.weight());
        if (projection.bias() != null) {
          named.put(module.path(i) + ".bias", projection.bias());
        }
      }
      named.put(prefix + "post_attention_layernorm.weight", layer.postAttentionNorm().weight());
    }
    named.put("model.norm.weight", finalNorm.weight());
    if (lmHead != null) {
      named.put("lm_head.weight", lmHead.weight());
    }
    return named;
  }

  /** The shape every base parameter must have, by Hugging Face tensor name. */
  public Map<String, Shape> baseShapes() {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put("model.embed_tokens.weight", embedding.weightShape());
    for (int i = 0; i < layers.size(); i++) {
      DecoderLayer layer = layers.get(i);
      String prefix = "model.layers." + i + ".";
      shapes.put(prefix + "input_layernorm.weight", layer.inputNorm().weightShape());
      for (TargetModule module : TargetModule.values()) {
        Projection projection = layer.projection(module).base();
        shapes.put(module.path(i) + ".weight", projection.weightShape());
        if (projection.bias() != null) {
          shapes.put(module.path(i) + ".bias", new Shape(projection.outFeatures()));
        }
      }
      shapes.put(
          prefix + "post_attention_layernorm.weight", layer.postAttentionNorm().weightShape());
    }
    shapes.put("model.norm.weight", finalNorm.weightShape());
    if (lmHead != null) {
      shapes.put("lm_head.weight", lmHead.weightShape());
    }
    return shapes;
  }

  /** The number of base parameters (weights counted once when tied). */
  public long baseParameterCount() {
    return baseShapes().values().stream().mapToLong(Shape::size).sum();
  }
}
