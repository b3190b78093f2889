package dev.perennial.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Arrays from Java values, copied into memory the engine allocated itself.
 *
 * <p>DJL's {@code create} wraps a Java direct buffer without copying: the tensor's memory then
 * lives only as long as a buffer the garbage collector frees on its own schedule, and its alignment
 * varies from run to run (the CPU BLAS picks kernels by alignment). Values are staged in one
 * long-lived per-thread buffer instead, and the engine copies them out at once.
 *
 * <p>The same holds for DJL's arithmetic with a Java number ({@code x.mul(0.5f)}): it wraps the
 * number in a tensor over a fresh direct buffer and closes it right after the operation. When the
 * operation is recorded for backpropagation, PyTorch keeps that tensor until the backward pass, but
 * the buffer is freed at the next garbage collection, so the backward pass may read memory already
 * reused by something else. Every number the autograd graph may keep must therefore be an
 * engine-owned {@link #scalar}.
 */
public final class EngineArrays {

  private static final ThreadLocal<ByteBuffer> STAGING =
      ThreadLocal.withInitial(
          () -> ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.nativeOrder()));

  private EngineArrays() {}

  public static NDArray of(NDManager manager, float[] values, Shape shape) {
    ByteBuffer staging = staging(4L * values.length);
    staging.asFloatBuffer().put(values);
    return copy(manager, staging, 4 * values.length, shape, DataType.FLOAT32);
  }

  public static NDArray of(NDManager manager, long[] values, Shape shape) {
    ByteBuffer staging = staging(8L * values.length);
    staging.asLongBuffer().put(values);
    return copy(manager, staging, 8 * values.length, shape, DataType.INT64);
  }

  public static NDArray of(NDManager manager, float[] values) {
    return of(manager, values, new Shape(values.length));
  }

  public static NDArray of(NDManager manager, long[] values) {
    return of(manager, values, new Shape(values.length));
  }

  /**
   * A float32 scalar the engine allocated itself (safe for the autograd graph to keep, unlike the
   * tensor behind DJL's {@code NDArray.mul(Number)}).
   */
  public static NDArray scalar(NDManager manager, float value) {
    return manager.full(new Shape(), value, DataType.FLOAT32);
  }

  private static ByteBuffer staging(long bytes) {
    ByteBuffer buffer = STAGING.get();
    if (buffer.capacity() < bytes) {
      buffer =
          ByteBuffer.allocateDirect(Math.toIntExact(Math.max(bytes, 2L * buffer.capacity())))
              .order(ByteOrder.nativeOrder());
      STAGING.set(buffer);
    }
    buffer.clear();
    return buffer;
  }

  private static NDArray copy(
      NDManager manager, ByteBuffer staging, int bytes, Shape shape, DataType type) {
    ByteBuffer exact = staging.duplicate().order(ByteOrder.nativeOrder());
    exact.position(0).limit(bytes);
    try (NDArray staged =
        manager.create(exact.slice().order(ByteOrder.nativeOrder()), shape, type)) {
      return staged.duplicate();
    }
  }
}
