package dev.perennial.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.ModelException;
import java.util.Arrays;

/** A float32 tensor in Java memory: what safetensors files are read into and written from. */
public record HostTensor(long[] shape, float[] data) {

  public HostTensor {
    long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (elements != data.length) {
      throw new ModelException(
          "tensor of shape " + Arrays.toString(shape) + " cannot hold " + data.length + " values");
    }
  }

  /** Copies an engine array (any float type) to Java memory as float32. */
  public static HostTensor of(NDArray array) {
    float[] values =
        array.getDataType() == DataType.FLOAT32
            ? array.toFloatArray()
            : array.toType(DataType.FLOAT32, true).toFloatArray();
    return new HostTensor(array.getShape().getShape(), values);
  }

  /**
   * Creates an engine array with these values on the manager's device, in memory the engine
   * allocated itself.
   *
   * <p>DJL wraps Java direct buffers without copying, and their alignment varies from run to run;
   * the CPU BLAS picks kernels by alignment, so matmuls on such weights can round differently in
   * two same-seed runs. A copy made by the engine is always aligned the same way.
   */
  public NDArray toArray(NDManager manager) {
    try (NDArray staged = manager.create(data, new Shape(shape))) {
      return staged.duplicate();
    }
  }

  public String shapeText() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HostTensor
        && Arrays.equals(shape, ((HostTensor) other).shape)
        && Arrays.equals(data, ((HostTensor) other).data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "HostTensor" + shapeText();
  }
}
