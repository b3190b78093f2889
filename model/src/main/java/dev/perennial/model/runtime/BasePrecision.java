package dev.perennial.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.perennial.model.ModelException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a frozen base holds its projection weights (q, k, v, o, gate, up, down: nearly all of a
 * layer's parameters). Computation stays float32 either way: a float16 weight is upcast for each
 * matmul, into the pass's memory, so only the rounding of the stored weights changes results. The
 * token embedding (and LM head), the norms and biases stay float32.
 *
 * <p>Half precision is float16, not bfloat16: DJL 0.35.1's PyTorch engine aborts the JVM
 * ("terminate called without an active exception") when an array is converted to bfloat16. float16
 * halves the memory as bfloat16 would, with three more mantissa bits; weights beyond its range
 * (65504) are refused rather than turned into infinities.
 */
public enum BasePrecision {
  /** float32: what the model computes with. */
  FLOAT32,
  /** float16: half the memory of the projection weights; each use is upcast to float32. */
  FLOAT16;

  /** {@code float32} or {@code float16}, any case. */
  public static BasePrecision parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ModelException(
          "unknown base precision '"
              + text
              + "', expected one of "
              + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }
  }

  /**
   * A frozen projection weight as this precision holds it: {@code weight} itself, or a float16 copy
   * in the same manager (the float32 array is closed).
   *
   * @param name the weight's tensor name, for the error when it does not fit float16
   */
  public NDArray hold(NDArray weight, String name) {
    if (this == FLOAT32) {
      return weight;
    }
    float largest;
    try (NDArray magnitudes = weight.abs();
        NDArray max = magnitudes.max()) {
      largest = max.getFloat();
    }
    if (!(largest <= MAX_FLOAT16)) {
      throw new ModelException(
          "tensor " + name + " holds " + largest + ", beyond float16's range; load it as float32");
    }
    NDArray half = weight.toType(DataType.FLOAT16, false);
    weight.close();
    return half;
  }

  private static final float MAX_FLOAT16 = 65504f;
}
