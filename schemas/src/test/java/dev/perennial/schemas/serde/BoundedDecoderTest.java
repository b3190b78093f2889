package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.schemas.SampleRecords;
import dev.perennial.schemas.v1.Document;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class BoundedDecoderTest {

  @Test
  void wellFormedRecordsReadAsWithAvrosOwnDecoder() throws IOException {
    for (SpecificRecord record : SampleRecords.all()) {
      assertThat(read(record.getClass(), encode(record)))
          .as(record.getClass().getSimpleName())
          .isEqualTo(record);
    }
  }

  @Test
  void aStringLengthBeyondTheRecordIsCorruptBeforeAnythingIsAllocated() throws IOException {
    // A Document's first field is its event id: a string claiming 2^30 bytes in 8 bytes of data.
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bomb, null);
    encoder.writeLong(1L << 30);
    encoder.writeFixed(new byte[3]);
    encoder.flush();

    assertThatThrownBy(() -> read(Document.class, bomb.toByteArray()))
        .isInstanceOf(EOFException.class)
        .hasMessage("a string length of 1073741824 where only 3 bytes are left");
  }

  @Test
  void aCollectionCountBeyondTheRecordIsCorrupt() throws IOException {
    // A map of nulls takes no bytes per entry: only the check keeps 2^30 entries from being made.
    Schema mapOfNulls = new Schema.Parser().parse("{\"type\": \"map\", \"values\": \"null\"}");
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bomb, null);
    encoder.writeLong(1L << 30);
    encoder.flush();
    byte[] data = bomb.toByteArray();

    assertThatThrownBy(
            () ->
                new GenericDatumReader<Object>(mapOfNulls)
                    .read(
                        null,
                        new BoundedDecoder(
                            DecoderFactory.get().binaryDecoder(data, 0, data.length, null))))
        .isInstanceOf(EOFException.class)
        .hasMessage("a map block of 1073741824 where only 0 bytes are left");
  }

  private static byte[] encode(SpecificRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static Object read(Class<?> type, byte[] data) throws IOException {
    SpecificDatumReader<Object> reader =
        new SpecificDatumReader<>(SpecificData.get().getSchema(type));
    return reader.read(
        null, new BoundedDecoder(DecoderFactory.get().binaryDecoder(data, 0, data.length, null)));
  }
}
