package dev.perennial.schemas.serde;

import dev.perennial.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** An {@link AvroSerializer} and an {@link AvroDeserializer} for one record type. */
public final class AvroSerde<T extends IndexedRecord> implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  public AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** A serde of the generated class {@code type}; needs {@link #configure}. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type) {
    return new AvroSerde<>(new AvroSerializer<>(), AvroDeserializer.specific(type));
  }

  /** A value serde of the generated class {@code type} on {@code registry}. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, SchemaRegistryClient registry) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry), AvroDeserializer.specific(type, registry));
  }

  /** A serde of generic records read in their writer's schema; needs {@link #configure}. */
  public static AvroSerde<GenericRecord> generic() {
    return new AvroSerde<>(new AvroSerializer<>(), AvroDeserializer.generic());
  }

  /** A value serde of generic records read in their writer's schema, on {@code registry}. */
  public static AvroSerde<GenericRecord> generic(SchemaRegistryClient registry) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry), AvroDeserializer.generic(null, registry));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
