package dev.perennial.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.perennial.model.llama.ForwardContext;
import dev.perennial.model.llama.LinearLayer;
import dev.perennial.model.llama.Projection;
import dev.perennial.model.runtime.EngineArrays;

/**
 * LoRA around a frozen base projection: {@code base(x) + (alpha / r) * B A dropout(x)}. The base is
 * a child block; this layer owns only A [r, in] and B [out, r].
 */
public final class LoraProjection extends LinearLayer {

  private final Projection base;
  private final int rank;
  private final float scaling;
  private final float dropout;
  private final Parameter loraA;
  private final Parameter loraB;

  public LoraProjection(Projection base, LoraConfig config) {
    this.base = addChildBlock("base", base);
    this.rank = config.rank();
    this.scaling = (float) config.scaling();
    this.dropout = (float) config.dropout();
    this.loraA =
        addParameter(Parameter.builder().setName("lora_A").setType(Parameter.Type.WEIGHT).build());
    this.loraB =
        addParameter(Parameter.builder().setName("lora_B").setType(Parameter.Type.WEIGHT).build());
  }

  @Override
  public NDArray forward(ParameterStore parameterStore, NDArray x, ForwardContext context) {
    boolean training = context.training();
    NDArray baseOutput = base.forward(parameterStore, x, context);
    NDArray a = parameterStore.getValue(loraA, x.getDevice(), training);
    NDArray b = parameterStore.getValue(loraB, x.getDevice(), training);
    // dropout on the adapter's input only, as PEFT does
    NDArray input =
        training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
    // scale the small B [out, r] rather than the [.., out] activation; the scaled copy belongs to
    // the pass (an op on a parameter would otherwise land in the model's manager), and the
    // scaling is an engine-owned scalar because the backward pass reads it (see EngineArrays)
    NDArray scaledB = b.mul(EngineArrays.scalar(x.getManager(), scaling));
    scaledB.attach(x.getManager());
    NDArray down = Linear.linear(input, a).singletonOrThrow();
    NDArray up = Linear.linear(down, scaledB).singletonOrThrow();
    return baseOutput.add(up);
  }

  @Override
  public Projection base() {
    return base;
  }

  public int rank() {
    return rank;
  }

  public Parameter loraA() {
    return loraA;
  }

  public Parameter loraB() {
    return loraB;
  }

  public Shape shapeA() {
    return new Shape(rank, base.inFeatures());
  }

  public Shape shapeB() {
    return new Shape(base.outFeatures(), rank);
  }
}
