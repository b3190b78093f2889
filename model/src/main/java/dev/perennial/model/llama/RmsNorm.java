package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Root-mean-square normalisation: {@code weight * x / sqrt(mean(x^2) + eps)} over the last axis.
 */
public final class RmsNorm extends DecoderBlock {

  private final int size;
  private final float eps;
  private final Parameter weight;

  public RmsNorm(int size, double eps) {
    this.size = size;
    this.eps = (float) eps;
    this.weight =
        addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).build());
  }

  public NDArray forward(ParameterStore parameterStore, NDArray x, boolean training) {
    NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
    NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
    return x.div(rms).mul(w);
  }

  @Override
  protected NDArray forwardWithoutContext(
      ParameterStore parameterStore, NDArray x, boolean training) {
    return forward(parameterStore, x, training);
  }

  public Parameter weight() {
    return weight;
  }

  public Shape weightShape() {
    return new Shape(size);
  }
}
