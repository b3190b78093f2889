package dev.perennial.schemas.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.schemas.Contracts;
import dev.perennial.schemas.PublishedSchemas;
import dev.perennial.schemas.SchemasException;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaEvolutionTest {

  /** Surefire runs in the module folder. */
  private static final Path HISTORY_ROOT = Path.of("src/main/avro-history");

  private static final SchemaHistory HISTORY = SchemaHistory.load(HISTORY_ROOT);

  static Stream<Class<? extends SpecificRecord>> recordTypes() {
    return Contracts.RECORD_TYPES.stream();
  }

  @Test
  void everyTopicRecordHasAHistoryAndEveryHistoryBelongsToATopicRecord() {
    List<String> current =
        Contracts.RECORD_TYPES.stream().map(type -> Contracts.schemaOf(type).getName()).toList();

    assertThat(HISTORY.recordNames()).containsExactlyInAnyOrderElementsOf(current);
  }

  @Test
  void theHistoryTheJarCarriesIsTheRepositorys() {
    SchemaHistory bundled = SchemaHistory.bundled();

    assertThat(bundled.recordNames()).isEqualTo(HISTORY.recordNames());
    for (String record : HISTORY.recordNames()) {
      assertThat(bundled.versions(record)).as(record).isEqualTo(HISTORY.versions(record));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordTypes")
  void theCurrentSchemaIsItsLatestPublishedVersion(Class<? extends SpecificRecord> type) {
    Schema current = Contracts.schemaOf(type);
    List<Schema> versions = HISTORY.versions(current.getName());
    String latest = PublishedSchemas.text(versions.get(versions.size() - 1));
    String now = PublishedSchemas.text(current);

    assertThat(now)
        .as(
            "%s differs from its latest published version v%d: publish the change as %s with"
                + " this content:%n%s%n",
            current.getName(),
            versions.size(),
            HISTORY.fileFor(current.getName(), versions.size() + 1),
            now)
        .isEqualTo(latest);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordTypes")
  void theLatestHistoryFileIsTheTextPerennialRegisters(Class<? extends SpecificRecord> type)
      throws IOException {
    Schema current = Contracts.schemaOf(type);
    Path latest = HISTORY.fileFor(current.getName(), HISTORY.versions(current.getName()).size());

    assertThat(Files.readString(latest)).isEqualTo(PublishedSchemas.text(current));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordTypes")
  void theCurrentSchemaReadsDataWrittenWithEveryEarlierVersion(
      Class<? extends SpecificRecord> type) {
    Schema current = Contracts.schemaOf(type);

    assertThat(BackwardCompatibility.problems(current, HISTORY.versions(current.getName())))
        .as("why %s cannot read its earlier versions", current.getName())
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordTypes")
  void everyEarlierVersionReadsDataWrittenWithTheCurrentSchema(
      Class<? extends SpecificRecord> type) {
    Schema current = Contracts.schemaOf(type);

    assertThat(ForwardCompatibility.problems(current, HISTORY.versions(current.getName())))
        .as("why apps on an earlier %s cannot read the current one's data", current.getName())
        .isEmpty();
  }

  @Test
  void aNewRequiredFieldWithoutDefaultIsRefused() throws IOException {
    Schema changed = resource("evolution/Document-required-field-added.avsc");

    assertThat(BackwardCompatibility.problems(changed, HISTORY.versions("Document")))
        .singleElement()
        .asString()
        .startsWith("cannot read v1: READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("region");
  }

  @Test
  void aNewOptionalFieldWithDefaultIsAccepted() throws IOException {
    Schema changed = resource("evolution/Document-optional-field-added.avsc");

    assertThat(BackwardCompatibility.problems(changed, HISTORY.versions("Document"))).isEmpty();
  }

  @Test
  void aChangedLogicalTypeIsRefused() throws IOException {
    // Avro's own check compares only the long underneath: every old occurredAt would be read as
    // a thousand times earlier.
    Schema changed = resource("evolution/Document-occurredAt-micros.avsc");

    assertThat(BackwardCompatibility.problems(changed, HISTORY.versions("Document")))
        .singleElement()
        .asString()
        .startsWith("cannot read v1: LOGICAL_TYPE_CHANGED")
        .contains("occurredAt", "timestamp-millis", "timestamp-micros");
  }

  @Test
  void aChangeThatAppsOnAnOlderVersionCannotReadIsRefused() throws IOException {
    // Serving stacks read releases.v1 with the AdapterRelease they copied. Dropping a field
    // without a default leaves Perennial able to read every old release (BACKWARD holds), but an
    // app still on the latest version cannot read a single new one.
    List<Schema> versions = HISTORY.versions("AdapterRelease");
    Schema latest = versions.get(versions.size() - 1);
    Schema changed = withoutField(latest, "manifestDigest");
    assertThat(BackwardCompatibility.problems(changed, versions)).isEmpty();

    assertThat(ForwardCompatibility.problems(changed, versions))
        .hasSize(versions.size())
        .last()
        .asString()
        .startsWith("v" + versions.size() + " cannot read it: READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("manifestDigest");
  }

  @Test
  void aPublishedVersionEditedInPlaceIsRefused(@TempDir Path root) throws IOException {
    copyHistory(root);
    // The edit every other check lets through when Document.avsc changes the same way: v1 is the
    // only version, so nothing older is left to be incompatible with.
    Schema edited = resource("evolution/Document-required-field-added.avsc");
    Files.writeString(root.resolve("Document/v1.avsc"), PublishedSchemas.text(edited));

    assertThatThrownBy(() -> SchemaHistory.load(root))
        .isInstanceOf(SchemasException.class)
        .hasMessageContaining("Document/v1.avsc changed after it was published");
  }

  @Test
  void aNewVersionIsRefusedUntilItsDigestIsRecordedAndTheMessageGivesTheLine(@TempDir Path root)
      throws IOException {
    copyHistory(root);
    String v2 = PublishedSchemas.text(resource("evolution/Document-optional-field-added.avsc"));
    Files.writeString(root.resolve("Document/v2.avsc"), v2);

    assertThatThrownBy(() -> SchemaHistory.load(root))
        .isInstanceOf(SchemasException.class)
        .hasMessageContaining("Document/v2.avsc is new")
        .hasMessageContaining(sha256(v2) + "  Document/v2.avsc");

    Files.writeString(
        root.resolve(SchemaHistory.DIGESTS_FILE),
        sha256(v2) + "  Document/v2.avsc\n",
        StandardOpenOption.APPEND);
    assertThat(SchemaHistory.load(root).versions("Document")).hasSize(2);
  }

  @Test
  void aRemovedPublishedVersionIsRefused(@TempDir Path root) throws IOException {
    copyHistory(root);
    Files.delete(root.resolve("TrainingExample/v4.avsc"));

    assertThatThrownBy(() -> SchemaHistory.load(root))
        .isInstanceOf(SchemasException.class)
        .hasMessageContaining("TrainingExample/v4.avsc was published and is gone");
  }

  @Test
  void aReaderWithoutANewReasonSymbolReadsItAsUnknown() throws IOException {
    Schema newer = resource("evolution/RejectedRecord-reason-added.avsc");
    GenericRecord written = new GenericData.Record(newer);
    GenericRecord source = new GenericData.Record(newer.getField("source").schema());
    source.put("topic", "perennial.documents.v1");
    source.put("partition", 0);
    source.put("offset", 7L);
    written.put("source", source);
    written.put(
        "reason", new GenericData.EnumSymbol(newer.getField("reason").schema(), "QUARANTINED"));
    written.put("detail", "held for review");
    written.put("rejectedAt", 1_700_000_000_000L);

    RejectedRecord read = readAs(RejectedRecord.getClassSchema(), newer, written);

    assertThat(read.getReason()).isEqualTo(RejectReason.UNKNOWN);
    assertThat(read.getDetail()).isEqualTo("held for review");
  }

  @Test
  void aHistoryWithAMissingVersionIsReportedByName(@TempDir Path root) throws IOException {
    Path folder = Files.createDirectories(root.resolve("Document"));
    Files.writeString(folder.resolve("v1.avsc"), Document.getClassSchema().toString());
    Files.writeString(folder.resolve("v3.avsc"), Document.getClassSchema().toString());

    assertThatThrownBy(() -> SchemaHistory.load(root))
        .isInstanceOf(SchemasException.class)
        .hasMessageContaining("misses v2.avsc");
  }

  @Test
  void aHistoryFolderHoldingAnotherRecordIsReportedByName(@TempDir Path root) throws IOException {
    Path folder = Files.createDirectories(root.resolve("Feedback"));
    Files.writeString(folder.resolve("v1.avsc"), Document.getClassSchema().toString());

    assertThatThrownBy(() -> SchemaHistory.load(root))
        .isInstanceOf(SchemasException.class)
        .hasMessageContaining("holds record dev.perennial.schemas.v1.Document, not Feedback");
  }

  private static <T> T readAs(Schema reader, Schema writer, GenericRecord record)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
    encoder.flush();
    var datumReader = new SpecificDatumReader<T>(writer, reader, SpecificData.getForSchema(reader));
    return datumReader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }

  private static Schema withoutField(Schema schema, String field) throws IOException {
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(schema.toString());
    ArrayNode fields = (ArrayNode) json.get("fields");
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).get("name").asText().equals(field)) {
        fields.remove(i);
        return new Schema.Parser().parse(json.toString());
      }
    }
    throw new IllegalArgumentException(schema.getName() + " has no field " + field);
  }

  private static void copyHistory(Path target) throws IOException {
    try (Stream<Path> files = Files.walk(HISTORY_ROOT)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(HISTORY_ROOT.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Schema resource(String name) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as("test resource %s", name).isNotNull();
      return new Schema.Parser().parse(in);
    }
  }
}
