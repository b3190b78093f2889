package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.SampleRecords;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.v1.Document;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The serializer's registry settings, against the real registry. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AvroSerializerIT {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final AtomicInteger TOPICS = new AtomicInteger();

  private String topic;
  private SchemaRegistryClient registry;

  @BeforeEach
  void newTopicName() {
    topic = "serializer-it-" + TOPICS.incrementAndGet();
    registry = new SchemaRegistryClient(URI.create(REGISTRY.url()), Optional.empty());
  }

  @Test
  void recordsAreFramedWithTheIdRegisteredUnderTheTopicValueSubject() {
    AvroSerializer<Document> serializer = configured(Map.of(), false);

    byte[] bytes = serializer.serialize(topic, SampleRecords.document());

    int id = registry.latestVersion(topic + "-value").id();
    assertThat(WireFormat.schemaId(topic, bytes)).isEqualTo(id);
    assertThat(AvroDeserializer.specific(Document.class, registry).deserialize(topic, bytes))
        .isEqualTo(SampleRecords.document());
  }

  @Test
  void keysAreRegisteredUnderTheTopicKeySubject() {
    AvroSerializer<Document> serializer = configured(Map.of(), true);

    byte[] bytes = serializer.serialize(topic, SampleRecords.document());

    assertThat(WireFormat.schemaId(topic, bytes))
        .isEqualTo(registry.latestVersion(topic + "-key").id());
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaIsRefusedByName() {
    AvroSerializer<Document> serializer =
        configured(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false), false);

    assertThatThrownBy(() -> serializer.serialize(topic, SampleRecords.document()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not registered under subject " + topic + "-value")
        .hasMessageContaining("auto.register.schemas=false");
  }

  @Test
  void withoutAutoRegistrationARegisteredSchemaIsUsed() {
    int id = registry.register(topic + "-value", Document.getClassSchema());
    AvroSerializer<Document> serializer =
        configured(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false), false);

    assertThat(WireFormat.schemaId(topic, serializer.serialize(topic, SampleRecords.document())))
        .isEqualTo(id);
  }

  @Test
  void withTheLatestVersionRecordsAreConvertedToItAndReadBack() throws IOException {
    registry.register(topic + "-value", Document.getClassSchema());
    Schema newer = resource("evolution/Document-optional-field-added.avsc");
    int newerId = registry.register(topic + "-value", newer);
    AvroSerializer<Document> serializer =
        configured(
            Map.of(
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false,
                AvroSerdeConfig.USE_LATEST_VERSION_CONFIG, true),
            false);

    byte[] bytes = serializer.serialize(topic, SampleRecords.document());

    assertThat(WireFormat.schemaId(topic, bytes)).isEqualTo(newerId);
    GenericRecord asWritten = AvroDeserializer.generic(null, registry).deserialize(topic, bytes);
    assertThat(asWritten.getSchema().getField("region")).isNotNull();
    assertThat(asWritten.get("region")).isNull();
    assertThat(AvroDeserializer.specific(Document.class, registry).deserialize(topic, bytes))
        .isEqualTo(SampleRecords.document());
  }

  @Test
  void withTheLatestVersionAndACacheTtlOfZeroANewerVersionIsUsedOnceRegistered()
      throws IOException {
    int firstId = registry.register(topic + "-value", Document.getClassSchema());
    AvroSerializer<Document> serializer =
        configured(
            Map.of(
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG,
                false,
                AvroSerdeConfig.USE_LATEST_VERSION_CONFIG,
                true,
                "latest.cache.ttl.sec",
                0),
            false);
    assertThat(WireFormat.schemaId(topic, serializer.serialize(topic, SampleRecords.document())))
        .isEqualTo(firstId);

    // A rolling schema upgrade: the new version is registered while producers run.
    int newerId =
        registry.register(
            topic + "-value", resource("evolution/Document-optional-field-added.avsc"));

    assertThat(WireFormat.schemaId(topic, serializer.serialize(topic, SampleRecords.document())))
        .isEqualTo(newerId);
  }

  @Test
  void withTheLatestVersionANewerVersionIsUsedOnceTheCacheTtlHasPassed() throws IOException {
    int firstId = registry.register(topic + "-value", Document.getClassSchema());
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
    AvroSerializer<Document> serializer = latestVersionSerializer(now, 60);
    assertThat(WireFormat.schemaId(topic, serializer.serialize(topic, SampleRecords.document())))
        .isEqualTo(firstId);
    int newerId =
        registry.register(
            topic + "-value", resource("evolution/Document-optional-field-added.avsc"));

    now.set(now.get().plusSeconds(59));
    int withinTtl =
        WireFormat.schemaId(topic, serializer.serialize(topic, SampleRecords.document()));
    now.set(now.get().plusSeconds(1));
    int afterTtl =
        WireFormat.schemaId(topic, serializer.serialize(topic, SampleRecords.document()));

    assertThat(withinTtl).isEqualTo(firstId);
    assertThat(afterTtl).isEqualTo(newerId);
  }

  @Test
  void withTheLatestVersionARegistryOutageAtTheRefreshKeepsTheVersionHeld() {
    int id = registry.register(topic + "-value", Document.getClassSchema());
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
    AvroSerializer<Document> serializer = latestVersionSerializer(now, 60);
    serializer.serialize(topic, SampleRecords.document());

    now.set(now.get().plusSeconds(60));
    REGISTRY.stop();
    byte[] duringOutage;
    try {
      duringOutage = serializer.serialize(topic, SampleRecords.document());
    } finally {
      REGISTRY.restart();
    }

    assertThat(WireFormat.schemaId(topic, duringOutage)).isEqualTo(id);
    assertThat(registry.outage()).isPresent();
  }

  @Test
  void aRecordMissingARequiredFieldIsRefusedNamingTheField() {
    AvroSerializer<Document> serializer = configured(Map.of(), false);
    Document incomplete = SampleRecords.document();
    incomplete.setContent(null);

    assertThatThrownBy(() -> serializer.serialize(topic, incomplete))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot write dev.perennial.schemas.v1.Document to topic " + topic)
        .hasMessageContaining("content");
  }

  @Test
  void anUnreachableRegistryIsASerializationExceptionNamingTheSubject() {
    AvroSerializer<Document> serializer = new AvroSerializer<>();
    serializer.configure(
        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:9/apis/ccompat/v7"),
        false);

    assertThatThrownBy(() -> serializer.serialize(topic, SampleRecords.document()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema registry failed for subject " + topic + "-value");
  }

  /** A serializer on use.latest.version whose cached versions age by {@code now}. */
  private AvroSerializer<Document> latestVersionSerializer(
      AtomicReference<Instant> now, long ttlSeconds) {
    AvroSerializer<Document> serializer = new AvroSerializer<>(registry, now::get);
    serializer.configure(
        Map.of(
            AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false,
            AvroSerdeConfig.USE_LATEST_VERSION_CONFIG, true,
            AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG, ttlSeconds),
        false);
    return serializer;
  }

  private AvroSerializer<Document> configured(Map<String, Object> settings, boolean isKey) {
    AvroSerializer<Document> serializer = new AvroSerializer<>();
    Map<String, Object> configs = new java.util.HashMap<>(settings);
    configs.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    serializer.configure(configs, isKey);
    return serializer;
  }

  private static Schema resource(String name) throws IOException {
    try (InputStream in = AvroSerializerIT.class.getClassLoader().getResourceAsStream(name)) {
      return new Schema.Parser().parse(in);
    }
  }
}
