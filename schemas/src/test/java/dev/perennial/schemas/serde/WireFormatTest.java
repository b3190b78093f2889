package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void aFrameIsMagicByteZeroThenTheSchemaIdBigEndianThenThePayload() {
    byte[] framed = WireFormat.frame(0x01020304, new byte[] {42, 43});

    assertThat(framed).containsExactly(0, 1, 2, 3, 4, 42, 43);
  }

  @Test
  void theSchemaIdIsReadBackFromTheHeader() {
    byte[] framed = WireFormat.frame(Integer.MAX_VALUE, new byte[] {2});

    assertThat(WireFormat.schemaId("t", framed)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void theHeaderAloneIsAValidFrameOfAnEmptyPayload() {
    assertThat(WireFormat.schemaId("t", WireFormat.header(7))).isEqualTo(7);
  }

  @Test
  void aWrongMagicByteIsReportedWithTheByteAndTheTopic() {
    byte[] json = "{\"eventId\":\"e1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(() -> WireFormat.schemaId("perennial.documents.v1", json))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown magic byte 0x7b")
        .hasMessageContaining("perennial.documents.v1")
        .hasMessageContaining("not in the Confluent wire format");
  }

  @Test
  void aRecordShorterThanTheHeaderIsReportedAsTruncated() {
    assertThatThrownBy(() -> WireFormat.schemaId("perennial.feedback.v1", new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Truncated record on topic perennial.feedback.v1")
        .hasMessageContaining("3 bytes, shorter than the 5-byte");
  }

  @Test
  void anEmptyRecordIsReportedAsTruncated() {
    assertThatThrownBy(() -> WireFormat.schemaId("t", new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("0 bytes");
  }

  @Test
  void subjectsFollowTheTopicNameStrategy() {
    assertThat(WireFormat.subject("perennial.examples.v1", false))
        .isEqualTo("perennial.examples.v1-value");
    assertThat(WireFormat.subject("perennial.examples.v1", true))
        .isEqualTo("perennial.examples.v1-key");
  }
}
