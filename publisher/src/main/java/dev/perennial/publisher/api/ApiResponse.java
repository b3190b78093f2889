package dev.perennial.publisher.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.publisher.manifest.Json;
import java.nio.charset.StandardCharsets;

/** A response of the release API: status, content type and body. */
record ApiResponse(int status, String contentType, byte[] body) {

  static final String JSON = "application/json; charset=utf-8";
  static final String PEM = "application/x-pem-file";

  static ApiResponse json(int status, JsonNode body) {
    return new ApiResponse(status, JSON, Json.bytes(body));
  }

  static ApiResponse ok(JsonNode body) {
    return json(200, body);
  }

  /** {@code {"status": 404, "error": "..."}}. */
  static ApiResponse error(int status, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", status);
    body.put("error", message);
    return json(status, body);
  }

  static ApiResponse text(String contentType, String body) {
    return new ApiResponse(200, contentType, body.getBytes(StandardCharsets.UTF_8));
  }
}
