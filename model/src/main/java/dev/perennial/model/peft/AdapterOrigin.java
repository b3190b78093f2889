package dev.perennial.model.peft;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an imported adapter came from: what its folder was called, the base its own config names,
 * and the SHA-256 of each of its files as they arrived (so the import can be traced to them).
 *
 * @param source the folder or name the operator imported it from
 * @param declaredBase its {@code base_model_name_or_path}, or null
 * @param fileDigests lower-case hex SHA-256 of each imported file, by name
 */
public record AdapterOrigin(String source, String declaredBase, Map<String, String> fileDigests) {

  public AdapterOrigin {
    fileDigests = Map.copyOf(fileDigests);
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("source", source);
    map.put("base_model_name_or_path", declaredBase);
    map.put("files", new TreeMap<>(fileDigests));
    return map;
  }

  static AdapterOrigin fromJson(JsonNode json) {
    Map<String, String> files = new TreeMap<>();
    json.path("files").fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
    return new AdapterOrigin(
        json.path("source").asText(), json.path("base_model_name_or_path").asText(null), files);
  }
}
