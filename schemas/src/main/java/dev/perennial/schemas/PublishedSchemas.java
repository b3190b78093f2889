package dev.perennial.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A schema's published form: self-contained pretty JSON (named types inlined where first used),
 * without the properties the Avro compiler adds for Java alone ({@code "avro.java.string"}), ending
 * with a newline. It is byte for byte what the repository keeps as {@code
 * schemas/src/main/avro-history/<Record>/vN.avsc}, the file app teams copy, and the text Perennial
 * registers (its serializers and {@code perennial schemas register}): so a registry lookup of an
 * app's copy finds the registered id, and registering the copy adds no version.
 */
public final class PublishedSchemas {

  /** Properties the Avro compiler adds for Java alone; other languages' readers ignore them. */
  private static final String JAVA_STRING_PROPERTY = "avro.java.string";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Schema, String> TEXTS = new ConcurrentHashMap<>();
  private static final Map<Schema, Schema> SCHEMAS = new ConcurrentHashMap<>();

  private PublishedSchemas() {}

  /** {@code schema} in its published form. */
  public static String text(Schema schema) {
    return TEXTS.computeIfAbsent(schema, PublishedSchemas::render);
  }

  /** {@code schema} as a schema equal to its published form (no Java-only properties). */
  public static Schema schema(Schema schema) {
    return SCHEMAS.computeIfAbsent(schema, s -> new Schema.Parser().parse(text(s)));
  }

  private static String render(Schema schema) {
    try {
      JsonNode tree = JSON.readTree(schema.toString());
      removeJavaProperties(tree);
      return new Schema.Parser().parse(JSON.writeValueAsString(tree)).toString(true) + "\n";
    } catch (JsonProcessingException e) {
      throw new SchemasException("cannot reformat schema " + schema.getFullName(), e);
    }
  }

  private static void removeJavaProperties(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(JAVA_STRING_PROPERTY);
    }
    node.forEach(PublishedSchemas::removeJavaProperties);
  }
}
