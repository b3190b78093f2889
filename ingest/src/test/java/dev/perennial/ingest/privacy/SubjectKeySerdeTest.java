package dev.perennial.ingest.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.schemas.evolution.SchemaHistory;
import dev.perennial.schemas.v1.SubjectKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubjectKeySerdeTest {

  private final SubjectKeySerde serde = new SubjectKeySerde();

  private static final SubjectKey KEY =
      SubjectKey.newBuilder()
          .setTenant("acme")
          .setSubjectPseudonym("p-1")
          .setKeyId("k-1")
          .setMasterKeyId("m-1")
          .setWrappedKey(ByteBuffer.wrap(new byte[] {1, 2, 3}))
          .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
          .build();

  @Test
  void aKeyReadsAsItWasWritten() {
    byte[] bytes = serde.serializer().serialize("keys", KEY);

    assertThat(serde.deserializer().deserialize("keys", bytes)).isEqualTo(KEY);
  }

  static Stream<Arguments> publishedVersions() {
    // Surefire runs in the module folder.
    List<Schema> versions =
        SchemaHistory.load(Path.of("../schemas/src/main/avro-history")).versions("SubjectKey");
    return IntStream.range(0, versions.size()).mapToObj(i -> Arguments.of(i + 1, versions.get(i)));
  }

  @ParameterizedTest(name = "SubjectKey v{0}")
  @MethodSource("publishedVersions")
  void aKeyStoredWithAPublishedSchemaStillReads(int version, Schema writer) throws IOException {
    // an earlier ingest stored it in its key store, with the schema of its day
    GenericRecord stored = new GenericData.Record(writer);
    for (Schema.Field field : writer.getFields()) {
      stored.put(field.name(), asStored(KEY.get(field.name())));
    }
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(stored).array();

    SubjectKey read = serde.deserializer().deserialize("keys", bytes);

    assertThat(read.getKeyId()).isEqualTo("k-1");
    assertThat(read.getWrappedKey()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
  }

  @Test
  void bytesOfNoKnownSchemaFailNamingTheTopic() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("keys", new byte[] {(byte) 0xc3, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("keys");
  }

  private static Object asStored(Object value) {
    return value instanceof Instant instant ? instant.toEpochMilli() : value;
  }
}
