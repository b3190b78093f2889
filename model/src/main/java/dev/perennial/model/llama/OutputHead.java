package dev.perennial.model.llama;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * The untied LM head's weight [vocab, hidden] ({@code lm_head.weight}). It holds the weight only:
 * {@link DecoderModel} applies it, and it is never a LoRA target, so per-row adapters never reach
 * it (a {@link Projection} in its place would ask them for a delta of a module it is not).
 */
public final class OutputHead extends DecoderBlock {

  private final int vocabSize;
  private final int hiddenSize;
  private final Parameter weight;

  public OutputHead(int vocabSize, int hiddenSize) {
    this.vocabSize = vocabSize;
    this.hiddenSize = hiddenSize;
    this.weight =
        addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
  }

  public Parameter weight() {
    return weight;
  }

  public Shape weightShape() {
    return new Shape(vocabSize, hiddenSize);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape input = inputShapes[0];
    return new Shape[] {input.slice(0, input.dimension() - 1).add(vocabSize)};
  }
}
