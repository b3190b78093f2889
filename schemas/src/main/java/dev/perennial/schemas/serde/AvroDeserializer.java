package dev.perennial.schemas.serde;

import dev.perennial.schemas.evolution.BackwardCompatibility;
import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.registry.SchemaRegistryException;
import dev.perennial.schemas.registry.UnusableSchemaException;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format: fetches the writer's schema by the id in the header
 * and resolves the data to the reader's schema (a generated class's, a given one, or the writer's
 * own). A null record is read as null (a tombstone); anything else that is not a well-formed record
 * raises a {@link SerializationException} that names the problem and the topic. No length or count
 * the data claims is believed beyond the bytes the record has ({@link BoundedDecoder}), so a small
 * record cannot make the reader allocate much: what {@link ReadFailure} calls corrupt.
 */
public final class AvroDeserializer<T extends IndexedRecord> implements Deserializer<T> {

  private final Schema readerSchema;
  private final Function<Schema, DatumReader<T>> readerFactory;
  private final Map<Integer, DatumReader<T>> readersBySchemaId = new ConcurrentHashMap<>();
  private SchemaRegistryClient registry;

  private AvroDeserializer(
      Schema readerSchema,
      Function<Schema, DatumReader<T>> readerFactory,
      SchemaRegistryClient registry) {
    this.readerSchema = readerSchema;
    this.readerFactory = readerFactory;
    this.registry = registry;
  }

  /** Reads instances of the generated class {@code type}; needs {@link #configure}. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type) {
    return specific(type, null);
  }

  /** Reads instances of the generated class {@code type}, with schemas from {@code registry}. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(
      Class<T> type, SchemaRegistryClient registry) {
    SpecificData model = SpecificData.getForClass(type);
    Schema reader = model.getSchema(type);
    return new AvroDeserializer<>(
        reader, writer -> new SpecificDatumReader<>(writer, reader, model), registry);
  }

  /** Reads generic records in the writer's own schema; needs {@link #configure}. */
  public static AvroDeserializer<GenericRecord> generic() {
    return generic(null, null);
  }

  /**
   * Reads generic records, resolved to {@code readerSchema} or, if that is null, in the writer's
   * own schema, with schemas from {@code registry} (null: from {@link #configure}).
   */
  public static AvroDeserializer<GenericRecord> generic(
      Schema readerSchema, SchemaRegistryClient registry) {
    return new AvroDeserializer<>(
        readerSchema,
        writer ->
            new GenericDatumReader<>(
                writer, readerSchema == null ? writer : readerSchema, GenericData.get()),
        registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry == null) {
      registry = new AvroSerdeConfig(configs).newRegistryClient();
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int schemaId = WireFormat.schemaId(topic, data);
    DatumReader<T> reader = readersBySchemaId.get(schemaId);
    if (reader == null) {
      reader = newReader(topic, schemaId);
      readersBySchemaId.put(schemaId, reader);
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
    T record;
    try {
      record = reader.read(null, new BoundedDecoder(decoder));
    } catch (EOFException e) {
      throw new SerializationException(
          "Truncated Avro data in record on topic "
              + topic
              + " (schema id "
              + schemaId
              + "): the "
              + data.length
              + " bytes end before the record does"
              + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"),
          e);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Corrupt Avro data in record on topic "
              + topic
              + " (schema id "
              + schemaId
              + "): "
              + e.getMessage(),
          e);
    }
    int left = remaining(decoder);
    if (left > 0) {
      throw new SerializationException(
          "Corrupt record on topic "
              + topic
              + " (schema id "
              + schemaId
              + "): "
              + left
              + " bytes left after the end of the record");
    }
    return record;
  }

  private DatumReader<T> newReader(String topic, int schemaId) {
    if (registry == null) {
      throw new IllegalStateException(
          "AvroDeserializer has no schema registry: give it a client or configure "
              + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
    }
    Schema writer;
    try {
      writer = registry.schemaById(schemaId);
    } catch (SchemaNotFoundException e) {
      throw new SerializationException(
          "Unknown schema id "
              + schemaId
              + " in record on topic "
              + topic
              + ": the registry at "
              + registry.baseUrl()
              + " has no schema with that id (error "
              + e.errorCode()
              + ")",
          e);
    } catch (UnusableSchemaException e) {
      throw new SerializationException(
          "Unusable schema in record on topic " + topic + ": " + e.getMessage(), e);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "Cannot fetch schema id "
              + schemaId
              + " for record on topic "
              + topic
              + ": "
              + e.getMessage(),
          e);
    }
    if (readerSchema != null) {
      SchemaPairCompatibility compatibility =
          SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
      List<String> problems =
          new ArrayList<>(
              compatibility.getResult().getIncompatibilities().stream()
                  .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                  .toList());
      // Avro resolves a timestamp-micros into a timestamp-millis, a thousand times off.
      BackwardCompatibility.conflictingLogicalTypes(readerSchema, writer).stream()
          .map(conflict -> BackwardCompatibility.LOGICAL_TYPE_CHANGED + " at " + conflict)
          .forEach(problems::add);
      if (!problems.isEmpty()) {
        throw new SerializationException(
            "Record on topic "
                + topic
                + " was written with schema id "
                + schemaId
                + " ("
                + writer.getFullName()
                + ") that reader schema "
                + readerSchema.getFullName()
                + " cannot read: "
                + String.join("; ", problems));
      }
    }
    return readerFactory.apply(writer);
  }

  private static int remaining(BinaryDecoder decoder) {
    try {
      return decoder.isEnd() ? 0 : decoder.inputStream().available();
    } catch (IOException e) {
      throw new SerializationException("Cannot tell whether the record was read to its end", e);
    }
  }
}
