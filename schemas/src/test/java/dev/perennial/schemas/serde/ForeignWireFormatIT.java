package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records in the Confluent wire format that the project did not write itself: framed by hand from
 * plain Avro and a schema registered over raw HTTP, or sent by Debian's kcat; and corrupted ones.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ForeignWireFormatIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");

  /** Document as a non-Java producer has it: the published schema, without Java properties. */
  private static final Schema PUBLISHED_DOCUMENT = publishedDocumentSchema();

  private String topic;
  private AvroDeserializer<Document> deserializer;

  @BeforeEach
  void createTopicAndDeserializer() {
    topic = KAFKA.createTopic(KAFKA.uniqueName("foreign.documents"), 1);
    deserializer = AvroDeserializer.specific(Document.class);
    deserializer.configure(
        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()), false);
  }

  @Test
  void aRecordFramedByHandFromPlainAvroIsRead() throws Exception {
    byte[] framed = frameByHand(registerOverHttp(topic + "-value"), plainAvro(foreignDocument()));
    KAFKA.produce(
        topic,
        new StringSerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/u1", framed)));

    Document read = consumeOne();

    assertThat(read.getEventId()).isEqualTo("foreign-1");
    assertThat(read.getAdapter()).isNull();
    assertThat(read.getContent()).isEqualTo("Written by hand ✓");
    assertThat(read.getOccurredAt()).isEqualTo(AT);
    assertThat(read.getAttributes()).containsEntry("origin", "hand");
  }

  @Test
  void aRecordSentByKcatIsRead(@TempDir Path folder) throws Exception {
    assumeTrue(
        onPath("kcat"),
        "kcat is not installed, so the foreign-producer check is skipped; install with: apt-get"
            + " install -y kcat");
    Path message = folder.resolve("document.bin");
    Files.write(
        message, frameByHand(registerOverHttp(topic + "-value"), plainAvro(foreignDocument())));

    // A file named on kcat's command line is sent whole as one message, newlines and all.
    Process kcat =
        new ProcessBuilder(
                "kcat",
                "-P",
                "-b",
                KAFKA.bootstrapServers(),
                "-t",
                topic,
                "-k",
                "acme/u1",
                message.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).as("kcat finished").isTrue();
    String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kcat.exitValue()).as("kcat exit status; it said: %s", output).isZero();

    Document read = consumeOne();

    assertThat(read.getEventId()).isEqualTo("foreign-1");
    assertThat(read.getContent()).isEqualTo("Written by hand ✓");
  }

  @Test
  void aRecordFromAnAppOnANewerSchemaIsReadWithoutTheFieldPerennialLacks() throws Exception {
    // The app's schema is ahead of Perennial's: a required field Perennial does not know.
    Schema newer =
        new Schema.Parser()
            .parse(
                PUBLISHED_DOCUMENT
                    .toString()
                    .replace(
                        "{\"name\":\"eventId\"",
                        "{\"name\":\"region\",\"type\":\"string\"},{\"name\":\"eventId\""));
    GenericRecord written = new GenericData.Record(newer);
    GenericRecord document = foreignDocument();
    for (Schema.Field field : PUBLISHED_DOCUMENT.getFields()) {
      written.put(field.name(), document.get(field.name()));
    }
    written.put("region", "eu-west");
    byte[] framed = frameByHand(registerOverHttp(topic + "-value", newer), plainAvro(written));

    Document read = deserializer.deserialize(topic, framed);

    assertThat(read.getEventId()).isEqualTo("foreign-1");
    assertThat(read.getContent()).isEqualTo("Written by hand ✓");
    assertThat(read.getOccurredAt()).isEqualTo(AT);
  }

  @Test
  void aFeedbackKindPerennialDoesNotKnowIsReadAsUnknownNotAsAnotherKind() throws Exception {
    Schema published =
        new Schema.Parser().parse(Path.of("src/main/avro-history/Feedback/v1.avsc").toFile());
    Schema newer =
        new Schema.Parser()
            .parse(published.toString().replace("\"UNKNOWN\"]", "\"UNKNOWN\",\"EMOJI\"]"));
    assertThat(newer.getField("kind").schema().getEnumSymbols()).contains("EMOJI");
    GenericRecord feedback = new GenericData.Record(newer);
    feedback.put("eventId", "foreign-2");
    feedback.put("tenant", "acme");
    feedback.put("subject", "u1");
    feedback.put("prompt", "Hi");
    feedback.put("response", "Hello");
    feedback.put("kind", new GenericData.EnumSymbol(newer.getField("kind").schema(), "EMOJI"));
    feedback.put("occurredAt", AT.toEpochMilli());
    feedback.put("attributes", Map.of());
    String feedbackTopic = topic + "-feedback";
    byte[] framed =
        frameByHand(registerOverHttp(feedbackTopic + "-value", newer), plainAvro(feedback));
    AvroDeserializer<Feedback> feedbackDeserializer = AvroDeserializer.specific(Feedback.class);
    feedbackDeserializer.configure(
        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url()), false);

    Feedback read = feedbackDeserializer.deserialize(feedbackTopic, framed);

    // The enum's default, which ingest rejects as INVALID_FIELD ("kind is UNKNOWN", see
    // IngestTopologyTest); never RATING, CORRECTION or PREFERENCE.
    assertThat(read.getKind()).isEqualTo(FeedbackKind.UNKNOWN);
    assertThat(read.getEventId()).isEqualTo("foreign-2");
  }

  @Test
  void aTimestampWrittenInMicrosecondsIsRefusedNotReadAsMilliseconds() throws Exception {
    // A hand-written app schema with another logical type on the same long: Avro resolves it.
    Schema micros =
        new Schema.Parser()
            .parse(PUBLISHED_DOCUMENT.toString().replace("timestamp-millis", "timestamp-micros"));
    GenericRecord written = new GenericData.Record(micros);
    GenericRecord document = foreignDocument();
    for (Schema.Field field : PUBLISHED_DOCUMENT.getFields()) {
      written.put(field.name(), document.get(field.name()));
    }
    written.put("occurredAt", AT.toEpochMilli() * 1000);
    byte[] framed = frameByHand(registerOverHttp(topic + "-value", micros), plainAvro(written));

    assertThatThrownBy(() -> deserializer.deserialize(topic, framed))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("LOGICAL_TYPE_CHANGED")
        .hasMessageContaining("occurredAt")
        .satisfies(e -> assertThat(ReadFailure.of(e)).isEqualTo(ReadFailure.CORRUPT));
  }

  @Test
  void aTimestampWrittenAsAPlainLongIsReadAsMilliseconds() throws Exception {
    // An app in a language without logical types writes the plain long the published schema has.
    Schema plain =
        new Schema.Parser()
            .parse(
                PUBLISHED_DOCUMENT
                    .toString()
                    .replace(
                        "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "\"long\""));
    assertThat(plain.getField("occurredAt").schema().getLogicalType()).isNull();
    GenericRecord written = new GenericData.Record(plain);
    GenericRecord document = foreignDocument();
    for (Schema.Field field : PUBLISHED_DOCUMENT.getFields()) {
      written.put(field.name(), document.get(field.name()));
    }
    byte[] framed = frameByHand(registerOverHttp(topic + "-value", plain), plainAvro(written));

    assertThat(deserializer.deserialize(topic, framed).getOccurredAt()).isEqualTo(AT);
  }

  @Test
  void anUnknownSchemaIdIsReportedWithTheIdAndTopic() throws IOException {
    byte[] framed = frameByHand(987_654, plainAvro(foreignDocument()));

    assertThatThrownBy(() -> deserializer.deserialize(topic, framed))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown schema id 987654 in record on topic " + topic)
        .hasMessageContaining("error 40403");
  }

  @Test
  void aRecordNamingAProtobufSchemaIsABadRecordNotARegistryOutage() throws Exception {
    // A producer on the Protobuf serializer frames its records the same way (magic byte, id).
    int id =
        registerOverHttp(
            topic + "-proto-value",
            Map.of(
                "schemaType",
                "PROTOBUF",
                "schema",
                "syntax = \"proto3\";\nmessage Ping { string id = 1; }\n"));

    assertBadRecordNamingTheSchema(id, "PROTOBUF");
  }

  @Test
  void aRecordNamingAJsonSchemaIsABadRecordNamingTheSchema() throws Exception {
    int id =
        registerOverHttp(
            topic + "-json-value",
            Map.of(
                "schemaType",
                "JSON",
                "schema",
                "{\"type\":\"object\",\"properties\":{\"eventId\":{\"type\":\"string\"}}}"));

    assertBadRecordNamingTheSchema(id, "JSON");
  }

  @Test
  void aRecordNamingAnAvroSchemaWithReferencesIsABadRecordNamingTheSchema() throws Exception {
    // Confluent's serializers may register a schema that names a type of another subject.
    Schema ping =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Ping\",\"namespace\":\"test\",\"fields\":"
                    + "[{\"name\":\"id\",\"type\":\"string\"}]}");
    registerOverHttp(topic + "-ping-value", ping);
    int id =
        registerOverHttp(
            topic + "-pings-value",
            Map.of(
                "schema",
                "{\"type\":\"record\",\"name\":\"Pings\",\"namespace\":\"test\",\"fields\":"
                    + "[{\"name\":\"first\",\"type\":\"test.Ping\"}]}",
                "references",
                List.of(
                    Map.of("name", "test.Ping", "subject", topic + "-ping-value", "version", 1))));

    assertBadRecordNamingTheSchema(id, "test.Ping");
  }

  /**
   * A record naming schema {@code id}, which the registry holds but Avro cannot use, is a bad
   * record whose reason names the id and {@code why}, and the registry is not taken for
   * unavailable.
   */
  private void assertBadRecordNamingTheSchema(int id, String why) {
    byte[] framed = frameByHand(id, "{\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8));
    SchemaRegistryClient registry =
        new SchemaRegistryClient(URI.create(REGISTRY.url()), Optional.empty());
    AvroDeserializer<Document> reader = AvroDeserializer.specific(Document.class, registry);

    Throwable failure = catchThrowable(() -> reader.deserialize(topic, framed));

    assertThat(ReadFailure.of(failure)).isEqualTo(ReadFailure.UNKNOWN_SCHEMA);
    assertThat(registry.outage()).isEmpty();
    assertThat(failure)
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id " + id)
        .hasMessageContaining(why);
  }

  @Test
  void aTruncatedPayloadIsReportedAsTruncated() throws Exception {
    byte[] framed = frameByHand(registerOverHttp(topic + "-value"), plainAvro(foreignDocument()));
    byte[] truncated = Arrays.copyOf(framed, framed.length - 4);

    assertThatThrownBy(() -> deserializer.deserialize(topic, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Truncated Avro data in record on topic " + topic);
  }

  @Test
  void bytesAfterTheRecordAreReportedAsCorrupt() throws Exception {
    byte[] framed = frameByHand(registerOverHttp(topic + "-value"), plainAvro(foreignDocument()));
    byte[] padded = Arrays.copyOf(framed, framed.length + 3);

    assertThatThrownBy(() -> deserializer.deserialize(topic, padded))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Corrupt record on topic " + topic)
        .hasMessageContaining("3 bytes left after the end of the record");
  }

  @Test
  void aRecordOfAnotherTypeIsReportedAsUnreadableNotMisread() throws Exception {
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Ping\",\"namespace\":\"test\",\"fields\":"
                    + "[{\"name\":\"id\",\"type\":\"string\"}]}");
    GenericRecord ping = new GenericData.Record(other);
    ping.put("id", "p1");
    ByteArrayOutputStream avro = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(avro, null);
    new GenericDatumWriter<GenericRecord>(other).write(ping, encoder);
    encoder.flush();
    byte[] framed = frameByHand(registerOverHttp(topic + "-ping-value", other), avro.toByteArray());

    assertThatThrownBy(() -> deserializer.deserialize(topic, framed))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(
            "(test.Ping) that reader schema dev.perennial.schemas.v1.Document cannot read");
  }

  @Test
  void aConsumerSeesTheClearErrorWithTopicPartitionAndOffset() {
    byte[] notAvro = "{\"eventId\":\"json-by-mistake\"}".getBytes(StandardCharsets.UTF_8);
    KAFKA.produce(
        topic,
        new StringSerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/u1", notAvro)));

    assertThatThrownBy(() -> consumeOne())
        .isInstanceOf(RecordDeserializationException.class)
        .hasMessageContaining(topic + "-0")
        .hasRootCauseInstanceOf(SerializationException.class)
        .rootCause()
        .hasMessageContaining("Unknown magic byte 0x7b in record on topic " + topic);
  }

  private Document consumeOne() {
    return KAFKA.consume(topic, 1, TIMEOUT, new StringDeserializer(), deserializer).get(0).value();
  }

  private static GenericRecord foreignDocument() {
    GenericRecord document = new GenericData.Record(PUBLISHED_DOCUMENT);
    document.put("eventId", "foreign-1");
    document.put("tenant", "acme");
    document.put("subject", "u1");
    document.put("adapter", null);
    document.put("source", "kcat");
    document.put("content", "Written by hand ✓");
    document.put("contentType", "text/plain");
    document.put("language", "en");
    document.put("occurredAt", AT.toEpochMilli());
    document.put("attributes", Map.of("origin", "hand"));
    return document;
  }

  private static byte[] plainAvro(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] frameByHand(int schemaId, byte[] avro) {
    return ByteBuffer.allocate(1 + 4 + avro.length)
        .put((byte) 0)
        .putInt(schemaId)
        .put(avro)
        .array();
  }

  private static int registerOverHttp(String subject) throws Exception {
    return registerOverHttp(subject, PUBLISHED_DOCUMENT);
  }

  /** Registers as a foreign producer would: the Confluent REST call, no project code. */
  private static int registerOverHttp(String subject, Schema schema) throws Exception {
    return registerOverHttp(subject, Map.of("schema", schema.toString()));
  }

  private static int registerOverHttp(String subject, Map<String, ?> body) throws Exception {
    ObjectMapper json = new ObjectMapper();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(REGISTRY.url() + "/subjects/" + subject + "/versions"))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("registration answered %s", response.body())
        .isEqualTo(200);
    return json.readTree(response.body()).get("id").intValue();
  }

  private static Schema publishedDocumentSchema() {
    try {
      return new Schema.Parser().parse(Path.of("src/main/avro-history/Document/v1.avsc").toFile());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean onPath(String command) {
    return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
