package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/** {@code down(silu(gate(x)) * up(x))}. */
public final class SwiGluMlp extends DecoderBlock {

  private final LinearLayer gateProjection;
  private final LinearLayer upProjection;
  private final LinearLayer downProjection;

  public SwiGluMlp(LlamaConfig config, int layer, ProjectionWrapper wrapper) {
    int hidden = config.hiddenSize();
    int inner = config.intermediateSize();
    boolean bias = config.mlpBias();
    gateProjection =
        addChildBlock(
            "gate_proj",
            wrapper.wrap(new Projection(layer, TargetModule.GATE, hidden, inner, bias)));
    upProjection =
        addChildBlock(
            "up_proj", wrapper.wrap(new Projection(layer, TargetModule.UP, hidden, inner, bias)));
    downProjection =
        addChildBlock(
            "down_proj",
            wrapper.wrap(new Projection(layer, TargetModule.DOWN, inner, hidden, bias)));
  }

  public NDArray forward(ParameterStore parameterStore, NDArray x, ForwardContext context) {
    NDArray gate = gateProjection.forward(parameterStore, x, context);
    NDArray up = upProjection.forward(parameterStore, x, context);
    NDArray activated = gate.mul(Activation.sigmoid(gate)).mul(up);
    return downProjection.forward(parameterStore, activated, context);
  }

  public LinearLayer projection(TargetModule module) {
    switch (module) {
      case GATE:
        return gateProjection;
      case UP:
        return upProjection;
      case DOWN:
        return downProjection;
      default:
        throw new IllegalArgumentException(module + " is not an MLP projection");
    }
  }
}
