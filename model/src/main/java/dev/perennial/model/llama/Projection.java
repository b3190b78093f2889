package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * {@code y = x W^T + b} with Hugging Face's weight layout [out, in]. When the pass carries per-row
 * adapters (batched multi-adapter scoring) their delta for this projection is added.
 */
public final class Projection extends LinearLayer {

  private final int layer;
  private final TargetModule module;
  private final int inFeatures;
  private final int outFeatures;
  private final Parameter weight;
  private final Parameter bias;

  public Projection(int layer, TargetModule module, int inFeatures, int outFeatures, boolean bias) {
    this.layer = layer;
    this.module = module;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight =
        addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    this.bias =
        bias
            ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build())
            : null;
  }

  @Override
  public NDArray forward(ParameterStore parameterStore, NDArray x, ForwardContext context) {
    NDArray w = parameterStore.getValue(weight, x.getDevice(), context.training());
    if (w.getDataType() != x.getDataType()) {
      // a frozen weight held in float16 (BasePrecision) is upcast for this matmul; the copy
      // belongs to the pass, not to the model's manager
      w = w.toType(x.getDataType(), false);
      w.attach(x.getManager());
    }
    if (context.adapters() != null) {
      NDArray merged = context.adapters().mergedWeight(layer, module, w);
      w = merged == null ? w : merged;
    }
    NDArray b =
        bias == null ? null : parameterStore.getValue(bias, x.getDevice(), context.training());
    // the input is the first operand, so the result belongs to the pass's manager
    NDArray y = Linear.linear(x, w, b).singletonOrThrow();
    if (context.adapters() != null) {
      NDArray delta = context.adapters().delta(layer, module, x);
      if (delta != null) {
        y = y.add(delta);
      }
    }
    return y;
  }

  @Override
  public Projection base() {
    return this;
  }

  public int layer() {
    return layer;
  }

  public TargetModule module() {
    return module;
  }

  public int inFeatures() {
    return inFeatures;
  }

  public int outFeatures() {
    return outFeatures;
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null when the projection has none. */
  public Parameter bias() {
    return bias;
  }

  public Shape weightShape() {
    return new Shape(outFeatures, inFeatures);
  }
}
