package dev.perennial.schemas.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.Contracts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data, not only schemas: records written with every published version of every topic's record are
 * read by the current generated class with each value the writer gave, a default for each field the
 * writer did not have, and each enum symbol as the writer's. {@link SchemaEvolutionTest} checks the
 * schemas with Avro's compatibility rules; this reads the bytes.
 */
class PublishedVersionsReadTest {

  /** Surefire runs in the module folder. */
  private static final SchemaHistory HISTORY = SchemaHistory.load(Path.of("src/main/avro-history"));

  /** Records per version: at least as many as the most symbols an enum has (RejectReason's 8). */
  private static final int SAMPLES = 16;

  static Stream<Arguments> everyPublishedVersion() {
    return Contracts.RECORD_TYPES.stream()
        .flatMap(
            type -> {
              List<Schema> versions = HISTORY.versions(Contracts.schemaOf(type).getName());
              return IntStream.range(0, versions.size())
                  .mapToObj(i -> Arguments.of(type.getSimpleName(), i + 1, type, versions.get(i)));
            });
  }

  @ParameterizedTest(name = "{0} v{1}")
  @MethodSource("everyPublishedVersion")
  void aRecordWrittenWithThePublishedVersionIsReadByTheCurrentClass(
      String name, int version, Class<? extends SpecificRecord> type, Schema writer)
      throws IOException {
    Schema current = Contracts.schemaOf(type);
    SpecificData model = SpecificData.getForClass(type);
    Samples samples = new Samples(new Random(version));
    for (int sample = 1; sample <= SAMPLES; sample++) {
      Object written = samples.of(writer);
      byte[] bytes = write(new GenericDatumWriter<Object>(writer, GenericData.get()), written);

      SpecificRecord read =
          new SpecificDatumReader<SpecificRecord>(writer, current, model)
              .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      // The generated class's values (Instants and all) as plain Avro data again.
      GenericRecord readBack =
          new GenericDatumReader<GenericRecord>(current, current, GenericData.get())
              .read(
                  null,
                  DecoderFactory.get()
                      .binaryDecoder(
                          write(new SpecificDatumWriter<SpecificRecord>(current, model), read),
                          null));

      assertThat(expected(written, writer, current))
          .as(
              "%s written with v%d (sample %d), read as the current %s",
              name, version, sample, name)
          .isEqualTo(plain(readBack));
    }
  }

  /** What Avro's resolution rules say a reader with {@code reader} gets for {@code written}. */
  private static Object expected(Object written, Schema writer, Schema reader) {
    if (writer.getType() == Schema.Type.UNION) {
      Schema branch = writer.getTypes().get(GenericData.get().resolveUnion(writer, written));
      return expected(written, branch, reader);
    }
    if (reader.getType() == Schema.Type.UNION) {
      return expected(written, writer, readerBranch(writer, reader));
    }
    return switch (reader.getType()) {
      case RECORD -> {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Schema.Field field : reader.getFields()) {
          Schema.Field writerField = writerField(writer, field);
          fields.put(
              field.name(),
              writerField == null
                  ? plain(GenericData.get().getDefaultValue(field))
                  : expected(
                      ((IndexedRecord) written).get(writerField.pos()),
                      writerField.schema(),
                      field.schema()));
        }
        yield fields;
      }
      case ENUM -> {
        String symbol = written.toString();
        yield reader.hasEnumSymbol(symbol) ? symbol : reader.getEnumDefault();
      }
      case ARRAY ->
          ((List<?>) written)
              .stream()
                  .map(item -> expected(item, writer.getElementType(), reader.getElementType()))
                  .toList();
      case MAP -> {
        Map<String, Object> entries = new LinkedHashMap<>();
        ((Map<?, ?>) written)
            .forEach(
                (key, value) ->
                    entries.put(
                        key.toString(),
                        expected(value, writer.getValueType(), reader.getValueType())));
        yield entries;
      }
      case LONG -> ((Number) written).longValue();
      case FLOAT -> ((Number) written).floatValue();
      case DOUBLE -> ((Number) written).doubleValue();
      default -> plain(written);
    };
  }

  /** The field of {@code writer} that {@code field} reads: the same name, or one of its aliases. */
  private static Schema.Field writerField(Schema writer, Schema.Field field) {
    Schema.Field same = writer.getField(field.name());
    if (same != null) {
      return same;
    }
    return field.aliases().stream()
        .map(writer::getField)
        .filter(alias -> alias != null)
        .findFirst()
        .orElse(null);
  }

  /** The branch of the reader's union that data of {@code writer} resolves to. */
  private static Schema readerBranch(Schema writer, Schema reader) {
    for (Schema branch : reader.getTypes()) {
      boolean named =
          switch (branch.getType()) {
            case RECORD, ENUM, FIXED -> true;
            default -> false;
          };
      if (branch.getType() == writer.getType()
          && (!named || branch.getName().equals(writer.getName()))) {
        return branch;
      }
    }
    throw new AssertionError("no branch of " + reader + " reads " + writer);
  }

  /** {@code value} as plain Java values, so that Avro's Utf8, symbols and records compare. */
  private static Object plain(Object value) {
    if (value instanceof IndexedRecord record) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Schema.Field field : record.getSchema().getFields()) {
        fields.put(field.name(), plain(record.get(field.pos())));
      }
      return fields;
    }
    if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
      return value.toString();
    }
    if (value instanceof GenericData.Fixed fixed) {
      return HexFormat.of().formatHex(fixed.bytes());
    }
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return HexFormat.of().formatHex(bytes);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(PublishedVersionsReadTest::plain).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> entries = new LinkedHashMap<>();
      map.forEach((key, entry) -> entries.put(key.toString(), plain(entry)));
      return entries;
    }
    return value;
  }

  private static <T> byte[] write(DatumWriter<T> writer, T datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /**
   * Data of a schema: random values, and each union's branches and each enum's symbols in turn, so
   * that over the samples every branch and symbol of the record's top level comes up (those inside
   * an optional record or a list less often).
   */
  private record Samples(Random random, Map<Schema, Integer> turns) {

    Samples(Random random) {
      this(random, new IdentityHashMap<>());
    }

    /** The next of {@code count} choices for {@code schema}, taken in turn. */
    private int turn(Schema schema, int count) {
      return turns.merge(schema, 1, Integer::sum) % count;
    }

    Object of(Schema schema) {
      return switch (schema.getType()) {
        case RECORD -> {
          GenericData.Record record = new GenericData.Record(schema);
          for (Schema.Field field : schema.getFields()) {
            record.put(field.pos(), of(field.schema()));
          }
          yield record;
        }
        case UNION -> of(schema.getTypes().get(turn(schema, schema.getTypes().size())));
        case ENUM ->
            new GenericData.EnumSymbol(
                schema, schema.getEnumSymbols().get(turn(schema, schema.getEnumSymbols().size())));
        case ARRAY -> {
          List<Object> items = new ArrayList<>();
          for (int i = random.nextInt(3); i > 0; i--) {
            items.add(of(schema.getElementType()));
          }
          yield items;
        }
        case MAP -> {
          Map<String, Object> entries = new LinkedHashMap<>();
          for (int i = random.nextInt(3); i > 0; i--) {
            entries.put("k" + random.nextInt(1000), of(schema.getValueType()));
          }
          yield entries;
        }
        case STRING -> "s" + random.nextInt(1000);
        case BYTES -> ByteBuffer.wrap(bytes(random.nextInt(4)));
        case FIXED -> new GenericData.Fixed(schema, bytes(schema.getFixedSize()));
        case INT -> random.nextInt();
        case LONG -> random.nextLong(0, 4_102_444_800_000L);
        case FLOAT -> random.nextFloat();
        case DOUBLE -> random.nextDouble();
        case BOOLEAN -> random.nextBoolean();
        case NULL -> null;
      };
    }

    private byte[] bytes(int size) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      return bytes;
    }
  }
}
