package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.v1.Document;
import java.net.URI;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The checks that fail before any registry is asked: this registry is never reached. */
class AvroDeserializerTest {

  private final SchemaRegistryClient unreachable =
      new SchemaRegistryClient(URI.create("http://127.0.0.1:9"), Optional.empty());

  private final AvroDeserializer<Document> deserializer =
      AvroDeserializer.specific(Document.class, unreachable);

  @Test
  void aNullRecordIsATombstoneAndReadsAsNull() {
    assertThat(deserializer.deserialize("perennial.documents.v1", null)).isNull();
  }

  @Test
  void aNullRecordIsWrittenAsNull() {
    assertThat(new AvroSerializer<Document>(unreachable).serialize("t", null)).isNull();
  }

  @Test
  void aWrongMagicByteNamesTheTopicWithoutAskingTheRegistry() {
    assertThatThrownBy(
            () -> deserializer.deserialize("perennial.documents.v1", new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown magic byte 0x01 in record on topic perennial.documents.v1");
  }

  @Test
  void bytesShorterThanTheHeaderAreTruncated() {
    assertThatThrownBy(() -> deserializer.deserialize("perennial.documents.v1", new byte[] {0, 0}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Truncated record on topic perennial.documents.v1");
  }

  @Test
  void anUnconfiguredDeserializerSaysWhatItMisses() {
    AvroDeserializer<Document> unconfigured = AvroDeserializer.specific(Document.class);

    assertThatThrownBy(() -> unconfigured.deserialize("t", WireFormat.frame(1, new byte[] {2})))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema.registry.url");
  }
}
