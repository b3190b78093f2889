package dev.perennial.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format: magic byte 0, the writer schema's registry id as 4 bytes big-endian,
 * then the Avro binary encoding of the record.
 */
public final class WireFormat {

  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** {@code avro} framed with the header for {@code schemaId}. */
  public static byte[] frame(int schemaId, byte[] avro) {
    return ByteBuffer.allocate(HEADER_SIZE + avro.length)
        .put(MAGIC_BYTE)
        .putInt(schemaId)
        .put(avro)
        .array();
  }

  /** The header for {@code schemaId}. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /**
   * The writer schema id in the header of {@code framed}, a record read from {@code topic}.
   *
   * @throws SerializationException if the record is shorter than the header or does not start with
   *     the magic byte
   */
  public static int schemaId(String topic, byte[] framed) {
    if (framed.length < HEADER_SIZE) {
      throw new SerializationException(
          "Truncated record on topic "
              + topic
              + ": "
              + framed.length
              + " bytes, shorter than the "
              + HEADER_SIZE
              + "-byte Confluent wire-format header (magic byte and schema id)");
    }
    if (framed[0] != MAGIC_BYTE) {
      throw new SerializationException(
          String.format(
              "Unknown magic byte 0x%02x in record on topic %s: expected 0x00, the record is not in"
                  + " the Confluent wire format",
              framed[0] & 0xff, topic));
    }
    return ByteBuffer.wrap(framed, 1, 4).getInt();
  }

  /** The subject a topic's keys or values are registered under (Confluent's TopicNameStrategy). */
  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
