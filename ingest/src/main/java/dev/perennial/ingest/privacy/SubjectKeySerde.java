package dev.perennial.ingest.privacy;

import dev.perennial.schemas.serde.SingleObjectDecoders;
import dev.perennial.schemas.v1.SubjectKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link SubjectKey}s in ingest's key store and its changelog: Avro's single-object encoding, whose
 * schema fingerprint makes a record of another schema fail loudly. Private to ingest, so it needs
 * no registry; keys an earlier release stored read as long as their schema version is published.
 */
public final class SubjectKeySerde implements Serde<SubjectKey> {

  private static final BinaryMessageDecoder<SubjectKey> DECODER =
      SingleObjectDecoders.ofEveryPublishedVersion(SubjectKey.class);

  @Override
  public Serializer<SubjectKey> serializer() {
    return (topic, key) -> key == null ? null : write(key);
  }

  @Override
  public Deserializer<SubjectKey> deserializer() {
    return (topic, bytes) -> bytes == null ? null : read(topic, bytes);
  }

  private static byte[] write(SubjectKey key) {
    try {
      ByteBuffer buffer = key.toByteBuffer();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("Encoding to memory cannot fail", e);
    }
  }

  private static SubjectKey read(String topic, byte[] bytes) {
    try {
      return DECODER.decode(ByteBuffer.wrap(bytes));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Unreadable subject key in " + topic, e);
    }
  }
}
