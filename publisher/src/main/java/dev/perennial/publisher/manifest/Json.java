package dev.perennial.publisher.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.publisher.PublisherException;
import java.nio.charset.StandardCharsets;

/** The one JSON mapper of the publisher: manifests and HTTP bodies, indented, UTF-8. */
public final class Json {

  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** Indented UTF-8 JSON ending in a newline: the exact bytes a manifest file holds. */
  public static byte[] bytes(JsonNode node) {
    try {
      return (MAPPER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new PublisherException("Cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }
}
