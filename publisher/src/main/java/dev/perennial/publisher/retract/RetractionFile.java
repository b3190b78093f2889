package dev.perennial.publisher.retract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ManifestException;
import java.io.IOException;
import java.util.Optional;

/** Reading the JSON files the publisher keeps under {@code .retractions/} in the release area. */
final class RetractionFile {

  private RetractionFile() {}

  /**
   * The file's tree, when it is JSON of the given format.
   *
   * @throws ManifestException when it is not
   */
  static JsonNode tree(byte[] bytes, String format) {
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new ManifestException("not JSON: " + e.getMessage(), e);
    }
    if (tree == null || !format.equals(tree.path("format").asText(null))) {
      throw new ManifestException("format is not " + format);
    }
    return tree;
  }

  /**
   * The text of a field the file must have.
   *
   * @throws ManifestException when it is missing or not text
   */
  static String require(JsonNode tree, String field) {
    JsonNode value = tree.path(field);
    if (!value.isTextual()) {
      throw new ManifestException(field + " is missing");
    }
    return value.asText();
  }

  /**
   * The text of an id field the file must have: an id fit to be logged and recorded ({@link
   * RecordIds}), as every id the publisher writes there is.
   *
   * @throws ManifestException when it is missing, not text or no id (the value not repeated)
   */
  static String requireId(JsonNode tree, String field) {
    String value = require(tree, field);
    Optional<String> problem = RecordIds.problem(field, value);
    if (problem.isPresent()) {
      throw new ManifestException(problem.get() + " (not shown)");
    }
    return value;
  }
}
