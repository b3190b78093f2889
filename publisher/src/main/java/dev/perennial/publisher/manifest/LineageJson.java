package dev.perennial.publisher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.LineageRelease;
import java.util.Optional;

/** A manifest's {@code lineage} section (as {@link AvroJson} wrote it) back as the Avro record. */
public final class LineageJson {

  private LineageJson() {}

  /** The lineage of a manifest tree, if its candidate recorded one. */
  public static Optional<Lineage> of(JsonNode manifest) {
    JsonNode node = manifest.get(ManifestFactory.LINEAGE);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    LineageMethod method;
    try {
      method = LineageMethod.valueOf(node.path("method").asText());
    } catch (IllegalArgumentException e) {
      method = LineageMethod.UNKNOWN;
    }
    return Optional.of(
        Lineage.newBuilder()
            .setMethod(method)
            .setSourceRelease(release(node.get("sourceRelease")))
            .setTeacher(release(node.get("teacher")))
            .setDataDigest(text(node.get("dataDigest")))
            .setImportedFrom(text(node.get("importedFrom")))
            .build());
  }

  private static LineageRelease release(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return LineageRelease.newBuilder()
        .setVersion(node.path("version").asInt())
        .setLocation(node.path("location").asText())
        .setManifestDigest(node.path("manifestDigest").asText())
        .setBaseModelName(node.path("baseModelName").asText())
        .setBaseModelDigest(node.path("baseModelDigest").asText())
        .setBaseModelLocation(text(node.get("baseModelLocation")))
        .build();
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
