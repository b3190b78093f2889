package dev.perennial.schemas.serde;

import dev.perennial.schemas.PublishedSchemas;
import dev.perennial.schemas.registry.RegisteredSchema;
import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records, specific or generic, in the Confluent wire format, registering or looking up
 * their schema under the topic's subject ({@code <topic>-value} or {@code <topic>-key}). A null
 * record is written as null (a tombstone).
 *
 * <p>Built with a registry client it works as is (values, auto-registration); {@link #configure}
 * reads {@link AvroSerdeConfig}'s keys and, without a client, makes one from {@code
 * schema.registry.url}.
 */
public class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

  private final InstantSource clock;
  private SchemaRegistryClient registry;
  private boolean isKey;
  private boolean autoRegister = true;
  private boolean useLatestVersion;
  private LatestVersionCache latestVersions;

  /** A serializer that gets its registry from {@link #configure}. */
  public AvroSerializer() {
    this(null);
  }

  /** A value serializer on {@code registry} that registers schemas as needed. */
  public AvroSerializer(SchemaRegistryClient registry) {
    this(registry, InstantSource.system());
  }

  /** A serializer whose latest versions ({@code use.latest.version}) age by {@code clock}. */
  AvroSerializer(SchemaRegistryClient registry, InstantSource clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    if (registry == null) {
      registry = config.newRegistryClient();
    }
    this.isKey = isKey;
    this.autoRegister = config.autoRegisterSchemas();
    this.useLatestVersion = config.useLatestVersion();
    this.latestVersions = new LatestVersionCache(registry, config.latestCacheTtl(), clock);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException(
          "AvroSerializer has no schema registry: give it a client or configure "
              + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
    }
    String subject = WireFormat.subject(topic, isKey);
    Schema schema = record.getSchema();
    try {
      if (useLatestVersion) {
        RegisteredSchema latest = latestVersions.latest(subject);
        if (latest.schema().equals(PublishedSchemas.schema(schema))) {
          return encode(topic, latest.id(), record, writerOf(record));
        }
        IndexedRecord converted = convert(topic, record, latest);
        return encode(topic, latest.id(), converted, new GenericDatumWriter<>(latest.schema()));
      }
      int id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
      return encode(topic, id, record, writerOf(record));
    } catch (SchemaNotFoundException e) {
      throw new SerializationException(
          "Cannot write "
              + schema.getFullName()
              + " to topic "
              + topic
              + ": its schema is not registered under subject "
              + subject
              + " ("
              + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG
              + "="
              + autoRegister
              + "): "
              + e.getMessage(),
          e);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "Cannot write "
              + schema.getFullName()
              + " to topic "
              + topic
              + ": schema registry failed for subject "
              + subject
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static byte[] encode(
      String topic, int schemaId, IndexedRecord record, DatumWriter<IndexedRecord> writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(WireFormat.header(schemaId));
    write(topic, record, writer, out);
    return out.toByteArray();
  }

  private static void write(
      String topic,
      IndexedRecord record,
      DatumWriter<IndexedRecord> writer,
      ByteArrayOutputStream out) {
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      // Avro reports a missing required field as a NullPointerException naming the field.
      throw cannotWrite(record, topic, "", e);
    }
  }

  /** {@code record} in the shape of the subject's latest schema, by Avro's schema resolution. */
  private static IndexedRecord convert(
      String topic, IndexedRecord record, RegisteredSchema latest) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    write(topic, record, writerOf(record), buffer);
    GenericDatumReader<IndexedRecord> reader =
        new GenericDatumReader<>(record.getSchema(), latest.schema(), GenericData.get());
    try {
      return reader.read(null, DecoderFactory.get().binaryDecoder(buffer.toByteArray(), null));
    } catch (IOException | RuntimeException e) {
      throw cannotWrite(
          record,
          topic,
          " with the latest schema of subject "
              + latest.subject()
              + " (version "
              + latest.version()
              + ", id "
              + latest.id()
              + "): the record's schema does not resolve to it",
          e);
    }
  }

  /** "Cannot write <record's schema> to topic <topic><how>: <the cause's message>". */
  private static SerializationException cannotWrite(
      IndexedRecord record, String topic, String how, Exception cause) {
    return new SerializationException(
        "Cannot write "
            + record.getSchema().getFullName()
            + " to topic "
            + topic
            + how
            + ": "
            + cause.getMessage(),
        cause);
  }

  private static DatumWriter<IndexedRecord> writerOf(IndexedRecord record) {
    Schema schema = record.getSchema();
    if (record instanceof SpecificRecordBase specific) {
      // The generated class's own model carries its logical-type conversions (Instant).
      return new SpecificDatumWriter<>(schema, specific.getSpecificData());
    }
    if (record instanceof SpecificRecord) {
      return new SpecificDatumWriter<>(schema, SpecificData.getForClass(record.getClass()));
    }
    return new GenericDatumWriter<>(schema, GenericData.get());
  }
}
