package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A block of the decoder. {@link DecoderModel} calls each block's typed {@code forward}, passing
 * the pass's {@link ForwardContext} where the block needs one; DJL's own forward entry has no
 * context to pass, so it serves only the blocks that need none ({@link #forwardWithoutContext}) and
 * refuses the others. Shape-preserving unless a subclass says otherwise.
 */
public abstract class DecoderBlock extends AbstractBlock {

  @Override
  protected final NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    return new NDList(forwardWithoutContext(parameterStore, inputs.singletonOrThrow(), training));
  }

  /** The block applied to {@code x} without a forward context, where it needs none. */
  protected NDArray forwardWithoutContext(
      ParameterStore parameterStore, NDArray x, boolean training) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " runs inside DecoderModel, which passes the forward context");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
