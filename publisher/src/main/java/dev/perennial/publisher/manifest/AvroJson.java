package dev.perennial.publisher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Avro values as plain JSON for manifests: records become objects with their fields in schema
 * order, maps become objects sorted by key, a nullable union becomes its value or null, enums their
 * symbol, {@code timestamp-millis} an ISO-8601 instant. Unlike Avro's own JSON encoding, unions are
 * not wrapped, so the manifest reads like a document rather than an Avro datum; new schema fields
 * appear in manifests without code changes. {@link #fromJson} reads such JSON back (a field an
 * older manifest lacks takes its schema default).
 */
public final class AvroJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  public static ObjectNode toJson(IndexedRecord record) {
    return (ObjectNode) toJson(record, record.getSchema());
  }

  public static JsonNode toJson(Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    return switch (schema.getType()) {
      case RECORD -> record((IndexedRecord) value);
      case ARRAY -> array((Collection<?>) value, schema.getElementType());
      case MAP -> map((Map<?, ?>) value, schema.getValueType());
      case UNION -> toJson(value, branch(schema, value));
      case STRING, ENUM -> NODES.textNode(value.toString());
      case INT -> NODES.numberNode(((Number) value).intValue());
      case LONG -> longValue(value, schema);
      case FLOAT -> NODES.numberNode(((Number) value).floatValue());
      case DOUBLE -> NODES.numberNode(((Number) value).doubleValue());
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case BYTES -> NODES.textNode(base64(((ByteBuffer) value).duplicate()));
      case FIXED ->
          NODES.textNode(Base64.getEncoder().encodeToString(((GenericData.Fixed) value).bytes()));
      case NULL -> NODES.nullNode();
    };
  }

  /**
   * The union's branch {@code value} belongs to. Avro's generic model knows no {@link Instant}, so
   * an instant (a nullable timestamp of a generated class) goes to the timestamp-millis branch.
   */
  private static Schema branch(Schema union, Object value) {
    if (value instanceof Instant) {
      for (Schema type : union.getTypes()) {
        if (type.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          return type;
        }
      }
    }
    return union.getTypes().get(GenericData.get().resolveUnion(union, value));
  }

  /** Generated classes hold timestamp-millis as {@link Instant}, generic records as a long. */
  private static JsonNode longValue(Object value, Schema schema) {
    if (value instanceof Instant instant) {
      return NODES.textNode(instant.toString());
    }
    long number = ((Number) value).longValue();
    if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
      return NODES.textNode(Instant.ofEpochMilli(number).toString());
    }
    return NODES.numberNode(number);
  }

  private static ObjectNode record(IndexedRecord record) {
    ObjectNode object = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      object.set(field.name(), toJson(record.get(field.pos()), field.schema()));
    }
    return object;
  }

  private static ArrayNode array(Collection<?> values, Schema elementType) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(value -> array.add(toJson(value, elementType)));
    return array;
  }

  private static ObjectNode map(Map<?, ?> values, Schema valueType) {
    ObjectNode object = NODES.objectNode();
    new TreeMap<>(stringKeys(values))
        .forEach((key, value) -> object.set(key, toJson(value, valueType)));
    return object;
  }

  private static Map<String, Object> stringKeys(Map<?, ?> values) {
    Map<String, Object> result = new TreeMap<>();
    values.forEach((key, value) -> result.put(key.toString(), value));
    return result;
  }

  /**
   * The value {@link #toJson} wrote, as the generated class of {@code schema} when there is one.
   *
   * @throws ManifestException when the JSON does not fit the schema
   */
  @SuppressWarnings("unchecked")
  public static <T> T fromJson(JsonNode node, Schema schema) {
    return (T) value(node, schema, schema.getFullName());
  }

  private static Object value(JsonNode node, Schema schema, String path) {
    if (node == null || node.isNull()) {
      if (schema.getType() == Schema.Type.NULL || schema.isNullable()) {
        return null;
      }
      throw new ManifestException(path + " is missing");
    }
    return switch (schema.getType()) {
      case RECORD -> recordValue(node, schema, path);
      case ARRAY -> {
        List<Object> values = new ArrayList<>();
        for (JsonNode element : node) {
          values.add(value(element, schema.getElementType(), path + "[]"));
        }
        yield values;
      }
      case MAP -> {
        Map<String, Object> values = new TreeMap<>();
        node.fields()
            .forEachRemaining(
                entry ->
                    values.put(
                        entry.getKey(),
                        value(
                            entry.getValue(), schema.getValueType(), path + "." + entry.getKey())));
        yield values;
      }
      case UNION -> value(node, nonNullBranch(schema, path), path);
      case STRING -> node.asText();
      case ENUM -> SpecificData.get().createEnum(node.asText(), schema);
      case INT -> node.asInt();
      case LONG ->
          schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
              ? Instant.parse(node.asText())
              : node.asLong();
      case FLOAT -> (float) node.asDouble();
      case DOUBLE -> node.asDouble();
      case BOOLEAN -> node.asBoolean();
      case BYTES -> ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()));
      case FIXED ->
          SpecificData.get().createFixed(null, Base64.getDecoder().decode(node.asText()), schema);
      case NULL -> null;
    };
  }

  private static Object recordValue(JsonNode node, Schema schema, String path) {
    IndexedRecord record = (IndexedRecord) SpecificData.get().newRecord(null, schema);
    for (Schema.Field field : schema.getFields()) {
      JsonNode fieldNode = node.get(field.name());
      record.put(
          field.pos(),
          fieldNode == null && field.hasDefaultValue()
              ? SpecificData.get().getDefaultValue(field)
              : value(fieldNode, field.schema(), path + "." + field.name()));
    }
    return record;
  }

  /** The one branch besides null of a nullable union: the only unions manifests hold. */
  private static Schema nonNullBranch(Schema union, String path) {
    List<Schema> branches =
        union.getTypes().stream().filter(type -> type.getType() != Schema.Type.NULL).toList();
    if (branches.size() != 1) {
      throw new ManifestException(path + ": cannot read a union of " + branches + " back");
    }
    return branches.get(0);
  }

  private static String base64(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
