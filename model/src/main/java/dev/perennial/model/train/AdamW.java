package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * AdamW as PyTorch defines it (decoupled weight decay, bias-corrected moments), with the gradient
 * scaled first by the clipping factor. Weight decay applies to matrices only, not to norms and
 * biases. State arrays live in the optimizer's own manager. Bias corrections use {@code StrictMath}
 * so they do not depend on when the JIT compiles this class (see {@link LearningRateSchedule}).
 */
public final class AdamW implements AutoCloseable {

  private final List<Parameter> parameters;
  private final NDManager manager;
  private final NDArray[] firstMoments;
  private final NDArray[] secondMoments;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private int steps;

  public AdamW(
      List<Parameter> parameters,
      NDManager parent,
      double beta1,
      double beta2,
      double epsilon,
      double weightDecay) {
    this.parameters = parameters;
    this.manager = parent.newSubManager();
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
    this.weightDecay = (float) weightDecay;
    this.firstMoments = new NDArray[parameters.size()];
    this.secondMoments = new NDArray[parameters.size()];
    for (int i = 0; i < parameters.size(); i++) {
      NDArray weight = parameters.get(i).getArray();
      firstMoments[i] = manager.zeros(weight.getShape(), weight.getDataType());
      secondMoments[i] = manager.zeros(weight.getShape(), weight.getDataType());
    }
  }

  /**
   * The global L2 norm of all gradients (one read from the device).
   *
   * @param step the step's manager, which receives every intermediate
   */
  public double gradientNorm(NDManager step) {
    NDArray total = null;
    for (Parameter parameter : parameters) {
      NDArray gradient = gradient(parameter, step);
      NDArray squares = gradient.square().sum();
      total = total == null ? squares : total.add(squares);
    }
    return total == null ? 0 : Math.sqrt(total.getFloat());
  }

  /** Applies one update with the gradients times {@code gradientScale}, then zeroes them. */
  public void step(double learningRate, double gradientScale, NDManager step) {
    steps++;
    float lr = (float) learningRate;
    float biasCorrection1 = (float) (1 - StrictMath.pow(beta1, steps));
    float biasCorrection2 = (float) (1 - StrictMath.pow(beta2, steps));
    for (int i = 0; i < parameters.size(); i++) {
      Parameter parameter = parameters.get(i);
      NDArray weight = parameter.getArray();
      NDArray gradient = gradient(parameter, step).mul((float) gradientScale);
      // lend the moments to the step so the arrays derived from them are freed with it
      step.tempAttachAll(firstMoments[i], secondMoments[i]);
      if (weightDecay > 0 && weight.getShape().dimension() >= 2) {
        weight.muli(1 - lr * weightDecay);
      }
      firstMoments[i].muli(beta1).addi(gradient.mul(1 - beta1));
      secondMoments[i].muli(beta2).addi(gradient.square().mul(1 - beta2));
      NDArray denominator = secondMoments[i].div(biasCorrection2).sqrt().add(epsilon);
      NDArray update = firstMoments[i].div(biasCorrection1).div(denominator).mul(lr);
      weight.subi(update);
      JniUtils.zeroGrad((PtNDArray) weight);
    }
  }

  /** Indices of the parameters whose gradient holds a NaN or an infinity. */
  public java.util.List<Integer> nonFiniteGradients(NDManager step) {
    java.util.List<Integer> bad = new java.util.ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      NDArray gradient = gradient(parameters.get(i), step);
      if (!Float.isFinite(gradient.abs().max().getFloat())) {
        bad.add(i);
      }
    }
    return bad;
  }

  /** Drops the accumulated gradients without updating (a skipped step). */
  public void zeroGradients() {
    for (Parameter parameter : parameters) {
      JniUtils.zeroGrad((PtNDArray) parameter.getArray());
    }
  }

  public int steps() {
    return steps;
  }

  private static NDArray gradient(Parameter parameter, NDManager step) {
    // the gradient handle is created in the parameter's manager: move it to the step's
    NDArray gradient = parameter.getArray().getGradient();
    gradient.attach(step);
    return gradient;
  }

  @Override
  public void close() {
    manager.close();
  }
}
