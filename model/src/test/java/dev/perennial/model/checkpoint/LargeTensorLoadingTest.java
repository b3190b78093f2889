package dev.perennial.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.runtime.EngineArrays;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: loading real bases. Tensors stream chunk by chunk with {@code long} sizes and offsets,
 * so tensors of 2^29 floats and more (over 2 GiB) load, and no staging copy of a whole tensor is
 * kept.
 */
class LargeTensorLoadingTest {

  @TempDir Path folder;

  @Test
  void spansCoverMoreThanTwoToThe31ElementsWithLongOffsets() {
    long elements = (3L << 30) + 5; // 3 Gi floats + 5: every int product of it overflows
    int perChunk = EngineArrays.CHUNK_BYTES / 4;

    List<EngineArrays.Span> spans = EngineArrays.spans(elements, perChunk);

    assertThat(spans).hasSize(3 * 1024 + 1);
    assertThat(spans.stream().mapToLong(EngineArrays.Span::count).sum()).isEqualTo(elements);
    assertThat(spans.get(spans.size() - 1)).isEqualTo(new EngineArrays.Span(3L << 30, 5));
    for (int i = 1; i < spans.size(); i++) {
      assertThat(spans.get(i).from()).isEqualTo(spans.get(i - 1).from() + spans.get(i - 1).count());
    }
  }

  @Test
  void filePositionsOfAnEightBillionParameterEmbeddingAreLong() {
    // Llama-3.1-8B's embedding: 128256 x 4096 = 525,336,576 floats, 2.1 GB in F32, after 3 GiB
    long begin = 3L << 30;
    long elements = 128_256L * 4096;
    var f32 = new SafetensorsFile.Entry("e", "F32", new long[] {128_256, 4096}, begin, 0);
    var bf16 = new SafetensorsFile.Entry("e", "BF16", new long[] {128_256, 4096}, begin, 0);

    assertThat(f32.elements()).isEqualTo(elements);
    assertThat(SafetensorsFile.position(f32, elements)).isEqualTo(begin + 4 * elements);
    assertThat(SafetensorsFile.position(f32, elements)).isGreaterThan(Integer.MAX_VALUE * 2L);
    assertThat(SafetensorsFile.position(bf16, elements - 1)).isEqualTo(begin + 2 * elements - 2);
  }

  @Test
  void aTensorOverTwoGibibytesStreamsFromASparseFile() throws IOException {
    // 2^29 + 2^20 floats = 2 GiB + 4 MiB of F32; the file is sparse: only its ends hold bytes
    long elements = (1L << 29) + (1L << 20);
    Path file = folder.resolve("large.safetensors");
    long dataStart = writeSparseF32(file, "big", elements);
    writeFloatAt(file, dataStart, 1.5f);
    writeFloatAt(file, dataStart + 4 * (elements - 1), -2.25f);

    SafetensorsFile tensors = SafetensorsFile.open(file);
    // its first chunk, and its last elements (beyond 2 GiB into the data) across two chunks
    float[] first = new float[1];
    tensors.forEachChunk("big", 0, 1 << 10, 1 << 10, (from, values) -> first[0] = values.get(0));
    long tail = (1L << 29) + 5; // its data start 2 GiB + 20 bytes into the tensor
    long[] next = {tail};
    float[] last = new float[1];
    tensors.forEachChunk(
        "big",
        tail,
        elements,
        1 << 19,
        (from, values) -> {
          assertThat(from).isEqualTo(next[0]);
          next[0] += values.remaining();
          last[0] = values.get(values.remaining() - 1);
        });

    assertThat(tensors.entry("big").end() - tensors.entry("big").begin())
        .isGreaterThan(Integer.MAX_VALUE);
    assertThat(SafetensorsFile.position(tensors.entry("big"), tail) - dataStart)
        .isGreaterThan(Integer.MAX_VALUE);
    assertThat(next[0]).isEqualTo(elements);
    assertThat(first[0]).isEqualTo(1.5f);
    assertThat(last[0]).isEqualTo(-2.25f);
  }

  @Test
  void aTensorOfManyChunksStreamsIntoTheEngineExactly() {
    // 3 x 700,001 values: three staging chunks and a remainder, in F32 and BF16
    HostTensor tensor = random(new long[] {3, 700_001}, 7);
    for (SafetensorsWriter.Dtype dtype :
        new SafetensorsWriter.Dtype[] {SafetensorsWriter.Dtype.F32, SafetensorsWriter.Dtype.BF16}) {
      Path file = folder.resolve(dtype + ".safetensors");
      SafetensorsWriter.write(file, Map.of("t", tensor), Map.of(), dtype);
      SafetensorsFile tensors = SafetensorsFile.open(file);

      try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        NDArray array = tensors.toArray("t", manager);

        assertThat(array.getShape()).isEqualTo(new Shape(3, 700_001));
        assertThat(array.getDataType()).isEqualTo(DataType.FLOAT32);
        assertSameValues(array.toFloatArray(), tensors.read("t").data());
      }
    }
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      assertSameValues(tensor.toArray(manager).toFloatArray(), tensor.data());
      long[] ids = new long[1_500_000];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 3L * i - 7;
      }
      assertThat(
              Arrays.mismatch(
                  EngineArrays.of(manager, ids, new Shape(1000, 1500)).toLongArray(), ids))
          .isEqualTo(-1);
    }
  }

  /** The first index where the arrays differ is reported (-1: none), never a diff of millions. */
  private static void assertSameValues(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    int at = Arrays.mismatch(actual, expected);
    assertThat(at)
        .as("first difference at %d: %s", at, at < 0 ? "" : actual[at] + " vs " + expected[at])
        .isEqualTo(-1);
  }

  private static HostTensor random(long[] shape, long seed) {
    Random random = new Random(seed);
    float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return new HostTensor(shape, values);
  }

  /** A safetensors file of one F32 tensor whose data are holes; returns where the data start. */
  private static long writeSparseF32(Path file, String name, long elements) throws IOException {
    String json =
        "{\""
            + name
            + "\":{\"dtype\":\"F32\",\"shape\":["
            + elements
            + "],\"data_offsets\":[0,"
            + 4 * elements
            + "]}}";
    byte[] header =
        (json + " ".repeat((8 - json.length() % 8) % 8)).getBytes(StandardCharsets.UTF_8);
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      out.write(length.putLong(header.length).array());
      out.write(header);
      out.setLength(8 + header.length + 4 * elements);
    }
    return 8 + header.length;
  }

  private static void writeFloatAt(Path file, long position, float value) throws IOException {
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.seek(position);
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    }
  }
}
