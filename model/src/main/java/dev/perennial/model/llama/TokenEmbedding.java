package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;

/** Token ids [B, T] to vectors [B, T, hidden] by row lookup in a [vocab, hidden] table. */
public final class TokenEmbedding extends DecoderBlock {

  private final int vocabSize;
  private final int hiddenSize;
  private final Parameter weight;

  public TokenEmbedding(int vocabSize, int hiddenSize) {
    this.vocabSize = vocabSize;
    this.hiddenSize = hiddenSize;
    this.weight =
        addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
  }

  public NDArray forward(ParameterStore parameterStore, NDArray tokenIds, boolean training) {
    NDArray table = parameterStore.getValue(weight, tokenIds.getDevice(), training);
    NDArray ids =
        tokenIds.getDataType() == DataType.INT64
            ? tokenIds
            : tokenIds.toType(DataType.INT64, false);
    // the ids are the first operand, so the result belongs to the pass's manager
    return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  @Override
  protected NDArray forwardWithoutContext(
      ParameterStore parameterStore, NDArray x, boolean training) {
    return forward(parameterStore, x, training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(hiddenSize)};
  }

  public Parameter weight() {
    return weight;
  }

  public Shape weightShape() {
    return new Shape(vocabSize, hiddenSize);
  }
}
