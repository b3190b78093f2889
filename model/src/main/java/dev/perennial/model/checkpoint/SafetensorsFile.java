package dev.perennial.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import dev.perennial.model.runtime.EngineArrays;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a safetensors file (8-byte little-endian header length, JSON header, raw data) tensor by
 * tensor, upcasting F16 and BF16 to float32.
 *
 * <p>Written here rather than through DJL's {@code NDList.decode} because that reader does not
 * convert BF16 (the dtype most Hugging Face checkpoints ship in) and loads every tensor at once.
 */
public final class SafetensorsFile {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
  private static final int CHUNK_ELEMENTS = EngineArrays.CHUNK_BYTES / 4;

  /** One tensor's entry in the header. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {

    public long elements() {
      return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }
  }

  private final Path path;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path path, Map<String, Entry> entries, Map<String, String> metadata) {
    this.path = path;
    this.entries = entries;
    this.metadata = metadata;
  }

  /** Reads and validates the header; tensor data is read on demand. */
  public static SafetensorsFile open(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = channel.size();
      ByteBuffer lengthBytes = readFully(channel, 0, 8, path);
      long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
        throw new ModelException(
            path + " is not a safetensors file (header length " + headerLength + ")");
      }
      ByteBuffer headerBytes = readFully(channel, 8, (int) headerLength, path);
      String headerText = StandardCharsets.UTF_8.decode(headerBytes).toString();
      JsonNode header = JSON.readTree(headerText);
      long dataStart = 8 + headerLength;
      Map<String, Entry> entries = new TreeMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if ("__metadata__".equals(field.getKey())) {
          field
              .getValue()
              .fields()
              .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        Entry entry = parseEntry(path, field.getKey(), field.getValue(), dataStart, fileSize);
        entries.put(entry.name(), entry);
      }
      return new SafetensorsFile(
          path, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    } catch (IOException e) {
      throw new ModelException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
    }
  }

  private static Entry parseEntry(
      Path path, String name, JsonNode node, long dataStart, long fileSize) {
    JsonNode dtype = node.get("dtype");
    JsonNode shape = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtype == null || shape == null || offsets == null || offsets.size() != 2) {
      throw new ModelException(
          "tensor " + name + " in " + path + " lacks dtype, shape or data_offsets");
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asLong();
    }
    long begin = dataStart + offsets.get(0).asLong();
    long end = dataStart + offsets.get(1).asLong();
    Entry entry = new Entry(name, dtype.asText(), dims, begin, end);
    long expectedBytes = Math.multiplyExact(entry.elements(), (long) bytesPerElement(entry));
    if (begin < dataStart || end > fileSize || end - begin != expectedBytes) {
      throw new ModelException(
          "tensor "
              + name
              + " in "
              + path
              + " has data_offsets "
              + offsets
              + " inconsistent with dtype "
              + entry.dtype()
              + " and shape "
              + Arrays.toString(dims));
    }
    return entry;
  }

  private static int bytesPerElement(Entry entry) {
    switch (entry.dtype()) {
      case "F32":
        return 4;
      case "F16":
      case "BF16":
        return 2;
      default:
        throw new ModelException(
            "tensor "
                + entry.name()
                + " has dtype "
                + entry.dtype()
                + "; only F32, F16 and BF16 weights are supported");
    }
  }

  public Path path() {
    return path;
  }

  public Set<String> names() {
    return entries.keySet();
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** The header entry of a tensor, or an error naming it and the file. */
  public Entry entry(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw new ModelException("tensor " + name + " is missing from " + path);
    }
    return entry;
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /**
   * Reads one tensor as float32 into Java memory, converting F16 and BF16 (at most 2^31 - 1
   * elements, what a Java array holds; {@link #toArray} has no such limit).
   */
  public HostTensor read(String name) {
    Entry entry = entry(name);
    if (entry.elements() > Integer.MAX_VALUE - 8) {
      throw new ModelException(
          "tensor "
              + name
              + " has "
              + entry.elements()
              + " elements, more than a Java array holds; load it with toArray");
    }
    float[] values = new float[(int) entry.elements()];
    FloatBuffer target = FloatBuffer.wrap(values);
    forEachChunk(entry, 0, entry.elements(), CHUNK_ELEMENTS, (from, chunk) -> target.put(chunk));
    return new HostTensor(entry.shape().clone(), values);
  }

  /**
   * Streams one tensor into an engine-owned float32 array on the manager's device, a chunk at a
   * time: nothing but the engine array and one chunk is held, whatever the tensor's size (tensors
   * over 2 GiB included).
   */
  public NDArray toArray(String name, NDManager manager) {
    Entry entry = entry(name);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer raw = ByteBuffer.allocateDirect(CHUNK_ELEMENTS * bytesPerElement(entry));
      return EngineArrays.of(
          manager,
          new Shape(entry.shape()),
          DataType.FLOAT32,
          (target, from, count) ->
              readChunk(channel, entry, from, count, raw, target.asFloatBuffer()));
    } catch (IOException e) {
      throw new ModelException("cannot read tensor " + name + " from " + path, e);
    }
  }

  /** Receives a tensor's float32 values chunk by chunk, in order. */
  @FunctionalInterface
  public interface ChunkConsumer {

    /**
     * @param from the index of the chunk's first element in the flattened tensor
     * @param values the chunk's values, positioned at 0
     */
    void accept(long from, FloatBuffer values);
  }

  /**
   * Reads one tensor as float32 chunks of at most {@code elementsPerChunk} elements, in order, with
   * {@code long} offsets (a tensor of any size).
   */
  public void forEachChunk(String name, int elementsPerChunk, ChunkConsumer consumer) {
    Entry entry = entry(name);
    forEachChunk(entry, 0, entry.elements(), elementsPerChunk, consumer);
  }

  /**
   * Reads elements {@code [from, to)} of the flattened tensor as float32 chunks of at most {@code
   * elementsPerChunk} elements, in order (a range of rows of a large table, say).
   */
  public void forEachChunk(
      String name, long from, long to, int elementsPerChunk, ChunkConsumer consumer) {
    Entry entry = entry(name);
    if (from < 0 || to > entry.elements() || from > to) {
      throw new ModelException(
          "elements ["
              + from
              + ", "
              + to
              + ") are outside tensor "
              + name
              + " of "
              + entry.elements());
    }
    forEachChunk(entry, from, to, elementsPerChunk, consumer);
  }

  private void forEachChunk(
      Entry entry, long from, long to, int elementsPerChunk, ChunkConsumer consumer) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer raw = ByteBuffer.allocateDirect(elementsPerChunk * bytesPerElement(entry));
      FloatBuffer values = FloatBuffer.allocate(elementsPerChunk);
      for (EngineArrays.Span span : EngineArrays.spans(to - from, elementsPerChunk)) {
        values.clear();
        readChunk(channel, entry, from + span.from(), span.count(), raw, values);
        values.flip();
        consumer.accept(from + span.from(), values);
      }
    } catch (IOException e) {
      throw new ModelException("cannot read tensor " + entry.name() + " from " + path, e);
    }
  }

  /** The file position of element {@code element} of a tensor (long arithmetic). */
  public static long position(Entry entry, long element) {
    return entry.begin() + element * bytesPerElement(entry);
  }

  /** Reads elements [from, from + count) of the tensor, converted to float32, into target. */
  private void readChunk(
      FileChannel channel, Entry entry, long from, int count, ByteBuffer raw, FloatBuffer target) {
    int width = bytesPerElement(entry);
    raw.clear().limit(count * width);
    long position = position(entry, from);
    try {
      while (raw.hasRemaining()) {
        int read = channel.read(raw, position + raw.position());
        if (read < 0) {
          throw new ModelException(path + " ends before byte " + (position + (long) count * width));
        }
      }
    } catch (IOException e) {
      throw new ModelException("cannot read tensor " + entry.name() + " from " + path, e);
    }
    raw.flip();
    ByteBuffer little = raw.order(ByteOrder.LITTLE_ENDIAN);
    switch (entry.dtype()) {
      case "F32":
        target.put(little.asFloatBuffer());
        break;
      case "BF16":
        for (int i = 0; i < count; i++) {
          target.put(Float.intBitsToFloat((little.getShort(2 * i) & 0xFFFF) << 16));
        }
        break;
      case "F16":
        for (int i = 0; i < count; i++) {
          target.put(HalfFloats.toFloat(little.getShort(2 * i)));
        }
        break;
      default:
        throw new ModelException(
            "tensor " + entry.name() + " has unsupported dtype " + entry.dtype());
    }
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length, Path path)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new ModelException(path + " ends before byte " + (position + length));
      }
    }
    buffer.flip();
    return buffer;
  }
}
