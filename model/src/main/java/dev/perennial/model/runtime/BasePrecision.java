package dev.perennial.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.perennial.model.ModelException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a frozen base holds its projection weights (q, k, v, o, gate, up, down: nearly all of a
 * layer's parameters). Computation stays float32 either way: a bfloat16 weight is upcast for each
 * matmul, into the pass's memory, so only the rounding of the stored weights changes results. The
 * token embedding (and LM head), the norms and biases stay float32.
 */
public enum BasePrecision {
  /** float32: what the model computes with. */
  FLOAT32,
  /** bfloat16: half the memory of the projection weights; each use is upcast to float32. */
  BFLOAT16;

  /** {@code float32} or {@code bfloat16}, any case. */
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
   * A frozen projection weight as this precision holds it: {@code weight} itself, or a bfloat16
   * copy in the same manager (the float32 array is closed).
   */
  public NDArray hold(NDArray weight) {
    if (this == FLOAT32) {
      return weight;
    }
    NDArray half = weight.toType(DataType.BFLOAT16, false);
    weight.close();
    return half;
  }
}
