package dev.perennial.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Arrays from Java values, copied into memory the engine allocated itself.
 *
 * <p>DJL's {@code create} wraps a Java direct buffer without copying: the tensor's memory then
 * lives only as long as a buffer the garbage collector frees on its own schedule, and its alignment
 * varies from run to run (the CPU BLAS picks kernels by alignment). Values are staged instead, at
 * most {@link #CHUNK_BYTES} at a time, in one small per-thread buffer, and the engine copies each
 * chunk into an array it allocated itself: a tensor of any size (a real base's embedding table
 * holds more than 2^29 floats) costs the engine array and one chunk, never a staging copy of the
 * whole tensor. Sizes and offsets are {@code long} throughout.
 *
 * <p>The same holds for DJL's arithmetic with a Java number ({@code x.mul(0.5f)}): it wraps the
 * number in a tensor over a fresh direct buffer and closes it right after the operation. When the
 * operation is recorded for backpropagation, PyTorch keeps that tensor until the backward pass, but
 * the buffer is freed at the next garbage collection, so the backward pass may read memory already
 * reused by something else. Every number the autograd graph may keep must therefore be an
 * engine-owned {@link #scalar}.
 */
public final class EngineArrays {

  /** The most bytes staged at once (and the size of each thread's staging buffer). */
  public static final int CHUNK_BYTES = 4 << 20;

  private static final ThreadLocal<ByteBuffer> STAGING =
      ThreadLocal.withInitial(
          () -> ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.nativeOrder()));

  /** Writes elements {@code [from, from + count)} of a source into a staging buffer. */
  @FunctionalInterface
  public interface ChunkSource {

    /**
     * @param target native-order buffer positioned at 0 with room for {@code count} elements
     */
    void fill(ByteBuffer target, long from, int count);
  }

  /** Elements {@code [from, from + count)} of a flat array. */
  public record Span(long from, int count) {}

  private EngineArrays() {}

  public static NDArray of(NDManager manager, float[] values, Shape shape) {
    return of(
        manager,
        shape,
        DataType.FLOAT32,
        (target, from, count) -> target.asFloatBuffer().put(values, (int) from, count));
  }

  public static NDArray of(NDManager manager, long[] values, Shape shape) {
    return of(
        manager,
        shape,
        DataType.INT64,
        (target, from, count) -> target.asLongBuffer().put(values, (int) from, count));
  }

  public static NDArray of(NDManager manager, float[] values) {
    return of(manager, values, new Shape(values.length));
  }

  public static NDArray of(NDManager manager, long[] values) {
    return of(manager, values, new Shape(values.length));
  }

  /**
   * An engine-owned array of {@code shape} filled chunk by chunk from {@code source} (row-major
   * order), staging at most {@link #CHUNK_BYTES} at a time.
   */
  public static NDArray of(NDManager manager, Shape shape, DataType type, ChunkSource source) {
    long elements = shape.size();
    int perChunk = CHUNK_BYTES / type.getNumOfBytes();
    ByteBuffer staging = STAGING.get();
    if (elements <= perChunk) {
      return copy(manager, staging, source, new Span(0, (int) elements), shape, type);
    }
    NDArray flat = manager.create(new Shape(elements), type);
    try (NDManager chunks = manager.newSubManager()) {
      for (Span span : spans(elements, perChunk)) {
        NDArray chunk = copy(chunks, staging, source, span, new Shape(span.count()), type);
        flat.set(new NDIndex("{}:{}", span.from(), span.from() + span.count()), chunk);
        chunk.close();
      }
    }
    NDArray shaped = flat.reshape(shape);
    if (shaped != flat) {
      flat.close();
    }
    return shaped;
  }

  /** The spans of at most {@code perChunk} elements that cover {@code [0, elements)} in order. */
  public static List<Span> spans(long elements, int perChunk) {
    if (elements < 0 || perChunk <= 0) {
      throw new IllegalArgumentException(elements + " elements in chunks of " + perChunk);
    }
    List<Span> spans = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, elements / perChunk + 1));
    for (long from = 0; from < elements; from += perChunk) {
      spans.add(new Span(from, (int) Math.min(perChunk, elements - from)));
    }
    return spans;
  }

  /**
   * A float32 scalar the engine allocated itself (safe for the autograd graph to keep, unlike the
   * tensor behind DJL's {@code NDArray.mul(Number)}).
   */
  public static NDArray scalar(NDManager manager, float value) {
    return manager.full(new Shape(), value, DataType.FLOAT32);
  }

  private static NDArray copy(
      NDManager manager,
      ByteBuffer staging,
      ChunkSource source,
      Span span,
      Shape shape,
      DataType type) {
    staging.clear();
    source.fill(staging, span.from(), span.count());
    ByteBuffer exact = staging.duplicate().order(ByteOrder.nativeOrder());
    exact.position(0).limit(span.count() * type.getNumOfBytes());
    try (NDArray staged =
        manager.create(exact.slice().order(ByteOrder.nativeOrder()), shape, type)) {
      return staged.duplicate();
    }
  }
}
