package dev.perennial.trainer.accumulate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON (Jackson) for the accumulator's own state records; unknown fields are ignored. */
public final class JsonSerde<T> implements Serde<T> {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Class<T> type;

  public JsonSerde(Class<T> type) {
    this.type = type;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : write(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : read(bytes);
  }

  private byte[] write(T value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new SerializationException("Cannot write " + type.getSimpleName() + " as JSON", e);
    }
  }

  private T read(byte[] bytes) {
    try {
      return JSON.readValue(bytes, type);
    } catch (IOException e) {
      throw new SerializationException("Cannot read " + type.getSimpleName() + " from JSON", e);
    }
  }
}
