package dev.perennial.ingest.consent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary form of a {@link ConsentState} in ingest's consent store and its changelog topic: a
 * format version byte, then the fields in a fixed order. Private to ingest (no other service reads
 * the store), so it needs no registry; a new format gets a new version byte and this class keeps
 * reading the old one.
 */
public final class ConsentStateSerde implements Serde<ConsentState> {

  static final byte FORMAT_V1 = 1;

  @Override
  public Serializer<ConsentState> serializer() {
    return (topic, state) -> state == null ? null : write(state);
  }

  @Override
  public Deserializer<ConsentState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : read(topic, bytes);
  }

  static byte[] write(ConsentState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT_V1);
      out.writeBoolean(state.granted());
      out.writeLong(state.changedAt().toEpochMilli());
      out.writeBoolean(state.policyVersion() != null);
      if (state.policyVersion() != null) {
        out.writeUTF(state.policyVersion());
      }
      out.writeUTF(state.sourceTopic());
      out.writeInt(state.sourcePartition());
      out.writeLong(state.sourceOffset());
    } catch (IOException e) {
      throw new UncheckedIOException("Writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  static ConsentState read(String topic, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT_V1) {
        throw new SerializationException(
            "Consent state in " + topic + " has unknown format version " + format);
      }
      boolean granted = in.readBoolean();
      Instant changedAt = Instant.ofEpochMilli(in.readLong());
      String policyVersion = in.readBoolean() ? in.readUTF() : null;
      String sourceTopic = in.readUTF();
      int sourcePartition = in.readInt();
      long sourceOffset = in.readLong();
      if (in.available() > 0) {
        throw new SerializationException(
            "Consent state in " + topic + " has " + in.available() + " bytes after its end");
      }
      return new ConsentState(
          granted, changedAt, policyVersion, sourceTopic, sourcePartition, sourceOffset);
    } catch (IOException e) {
      throw new SerializationException(
          "Truncated consent state in " + topic + " (" + bytes.length + " bytes)", e);
    }
  }
}
