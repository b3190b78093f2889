package dev.perennial.model.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.model.ModelException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes tensors as a safetensors file, byte for byte the same for the same tensors: names sorted,
 * metadata sorted, data in name order, header padded with spaces to 8 bytes as the format asks.
 */
public final class SafetensorsWriter {

  /** The element type written. */
  public enum Dtype {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    Dtype(int bytes) {
      this.bytes = bytes;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_ELEMENTS = 1 << 20;

  private SafetensorsWriter() {}

  /** Writes float32 tensors with the given metadata (may be empty) atomically to {@code file}. */
  public static void write(
      Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
    write(file, tensors, metadata, Dtype.F32);
  }

  /** Writes tensors converted to {@code dtype} atomically to {@code file}. */
  public static void write(
      Path file, Map<String, HostTensor> tensors, Map<String, String> metadata, Dtype dtype) {
    Map<String, long[]> shapes = new TreeMap<>();
    tensors.forEach((name, tensor) -> shapes.put(name, tensor.shape()));
    write(
        file,
        shapes,
        metadata,
        dtype,
        (name, from, values, count) ->
            System.arraycopy(tensors.get(name).data(), (int) from, values, 0, count));
  }

  /** Produces a tensor's values chunk by chunk, in order. */
  @FunctionalInterface
  public interface Values {

    /** Puts elements {@code [from, from + count)} of tensor {@code name} into {@code values}. */
    void fill(String name, long from, float[] values, int count);
  }

  /**
   * Writes tensors of the given shapes whose values {@code values} produces chunk by chunk: a file
   * of any size without holding its tensors in memory (a benchmark's random base of billions of
   * parameters).
   */
  public static void write(
      Path file,
      Map<String, long[]> shapes,
      Map<String, String> metadata,
      Dtype dtype,
      Values values) {
    TreeMap<String, long[]> sorted = new TreeMap<>(shapes);
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, long[]> entry : sorted.entrySet()) {
      long bytes = elements(entry.getValue()) * dtype.bytes;
      ObjectNode node = header.putObject(entry.getKey());
      node.put("dtype", dtype.name());
      ArrayNode shape = node.putArray("shape");
      for (long dim : entry.getValue()) {
        shape.add(dim);
      }
      ArrayNode offsets = node.putArray("data_offsets");
      offsets.add(offset);
      offsets.add(offset + bytes);
      offset += bytes;
    }
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
    int padding = (8 - headerBytes.length % 8) % 8;
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        length.putLong(headerBytes.length + padding);
        out.write(length.array());
        out.write(headerBytes);
        for (int i = 0; i < padding; i++) {
          out.write(' ');
        }
        float[] chunk = new float[CHUNK_ELEMENTS];
        for (Map.Entry<String, long[]> entry : sorted.entrySet()) {
          long elements = elements(entry.getValue());
          for (long from = 0; from < elements; from += CHUNK_ELEMENTS) {
            int count = (int) Math.min(CHUNK_ELEMENTS, elements - from);
            values.fill(entry.getKey(), from, chunk, count);
            writeData(out, chunk, count, dtype);
          }
        }
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ModelException("cannot write safetensors file " + file + ": " + e.getMessage(), e);
    }
  }

  private static long elements(long[] shape) {
    long elements = 1;
    for (long dim : shape) {
      elements = Math.multiplyExact(elements, dim);
    }
    return elements;
  }

  private static void writeData(OutputStream out, float[] data, int count, Dtype dtype)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      float value = data[i];
      if (buffer.remaining() < 4) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      switch (dtype) {
        case F32:
          buffer.putFloat(value);
          break;
        case BF16:
          buffer.putShort(toBfloat16(value));
          break;
        case F16:
          buffer.putShort(HalfFloats.fromFloat(value));
          break;
        default:
          throw new IllegalStateException(dtype.name());
      }
    }
    out.write(buffer.array(), 0, buffer.position());
  }

  /** Rounds to nearest even, as PyTorch does when casting to bfloat16. */
  static short toBfloat16(float value) {
    int bits = Float.floatToIntBits(value);
    if (Float.isNaN(value)) {
      return (short) 0x7FC0;
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
