package dev.perennial.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.model.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsTest {

  @TempDir Path folder;

  private final HostTensor matrix =
      new HostTensor(new long[] {2, 3}, new float[] {1f, -2.5f, 0.125f, 3e-3f, 65504f, -0f});

  @Test
  void float32TensorsRoundTripBitExact() {
    Path file = folder.resolve("a.safetensors");
    SafetensorsWriter.write(
        file,
        Map.of("m", matrix, "v", new HostTensor(new long[] {1}, new float[] {7f})),
        Map.of("format", "pt"));

    SafetensorsFile read = SafetensorsFile.open(file);

    assertThat(read.names()).containsExactly("m", "v");
    assertThat(read.read("m")).isEqualTo(matrix);
    assertThat(read.metadata()).containsEntry("format", "pt");
  }

  @Test
  void halfAndBfloat16TensorsAreUpcastToFloat32() {
    for (SafetensorsWriter.Dtype dtype :
        new SafetensorsWriter.Dtype[] {SafetensorsWriter.Dtype.F16, SafetensorsWriter.Dtype.BF16}) {
      Path file = folder.resolve(dtype + ".safetensors");
      SafetensorsWriter.write(file, Map.of("m", matrix), Map.of(), dtype);

      SafetensorsFile read = SafetensorsFile.open(file);

      assertThat(read.entry("m").dtype()).isEqualTo(dtype.name());
      // these values are exactly representable in both 16-bit formats, except 3e-3 (rounded)
      float[] values = read.read("m").data();
      assertThat(values[0]).isEqualTo(1f);
      assertThat(values[1]).isEqualTo(-2.5f);
      assertThat(values[2]).isEqualTo(0.125f);
      assertThat(values[3]).isCloseTo(3e-3f, org.assertj.core.data.Offset.offset(2e-5f));
    }
  }

  @Test
  void theSameTensorsAlwaysGiveTheSameBytes() throws IOException {
    Path first = folder.resolve("1.safetensors");
    Path second = folder.resolve("2.safetensors");
    SafetensorsWriter.write(
        first, Map.of("b", matrix, "a", matrix), Map.of("x", "1", "format", "pt"));
    SafetensorsWriter.write(
        second, Map.of("a", matrix, "b", matrix), Map.of("format", "pt", "x", "1"));

    assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
    // header is padded so tensor data starts 8-byte aligned
    long headerLength =
        ByteBuffer.wrap(Files.readAllBytes(first), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat((8 + headerLength) % 8).isZero();
  }

  @Test
  void aMissingTensorIsNamedInTheError() {
    Path file = folder.resolve("a.safetensors");
    SafetensorsWriter.write(file, Map.of("m", matrix), Map.of());

    assertThatThrownBy(() -> SafetensorsFile.open(file).read("model.norm.weight"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model.norm.weight");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "offsets that do not match the"
            + " shape|{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8]}}|tensor"
            + " w|data_offsets",
        "an integer"
            + " tensor|{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}|ids|I64"
      })
  void aHeaderItCannotReadIsRefusedNamingTheTensorAndTheProblem(
      String what, String header, String tensor, String problem) throws IOException {
    Path file = fileWithHeader(header);

    assertThatThrownBy(() -> SafetensorsFile.open(file))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(tensor)
        .hasMessageContaining(problem);
  }

  @Test
  void halfFloatConversionHandlesSpecialValues() {
    assertThat(HalfFloats.toFloat(HalfFloats.fromFloat(Float.POSITIVE_INFINITY))).isInfinite();
    assertThat(HalfFloats.toFloat(HalfFloats.fromFloat(Float.NaN))).isNaN();
    assertThat(HalfFloats.toFloat(HalfFloats.fromFloat(6e-8f))).isEqualTo(0x1p-24f);
    assertThat(HalfFloats.toFloat(HalfFloats.fromFloat(-1.5f))).isEqualTo(-1.5f);
  }

  /** A safetensors file of {@code header} and eight zero bytes of data. */
  private Path fileWithHeader(String header) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(json.length).put(json).putLong(0);
    return Files.write(folder.resolve("header.safetensors"), bytes.array());
  }
}
