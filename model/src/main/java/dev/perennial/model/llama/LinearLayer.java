package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A linear projection inside a decoder layer: the frozen base {@link Projection}, or a LoRA wrapper
 * around one. Layers call {@link #forward(ParameterStore, NDArray, ForwardContext)} so the pass's
 * context reaches every projection.
 */
public abstract class LinearLayer extends AbstractBlock {

  /** [.., in] to [.., out]. */
  public abstract NDArray forward(ParameterStore parameterStore, NDArray x, ForwardContext context);

  /** The base projection this layer computes (itself for a plain projection). */
  public abstract Projection base();

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " runs inside DecoderModel, which passes the forward context");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape input = inputShapes[0];
    return new Shape[] {input.slice(0, input.dimension() - 1).add(base().outFeatures())};
  }
}
