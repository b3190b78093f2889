package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * A linear projection inside a decoder layer: the frozen base {@link Projection}, or a LoRA wrapper
 * around one. Layers call {@link #forward(ParameterStore, NDArray, ForwardContext)} so the pass's
 * context reaches every projection.
 */
public abstract class LinearLayer extends DecoderBlock {

  /** [.., in] to [.., out]. */
  public abstract NDArray forward(ParameterStore parameterStore, NDArray x, ForwardContext context);

  /** The base projection this layer computes (itself for a plain projection). */
  public abstract Projection base();

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape input = inputShapes[0];
    return new Shape[] {input.slice(0, input.dimension() - 1).add(base().outFeatures())};
  }
}
