package dev.perennial.evaluator.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.evaluator.EvaluatorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tenant's canary file ({@code perennial.evaluator.tenant.<tenant>.canary.file}): one JSON object
 * per line, blank lines ignored:
 *
 * <pre>{@code
 * {"prefix": "The access code of the Zorvan vault is ", "secret": "1234-5678", "suffix": "."}
 * }</pre>
 *
 * The operator plants these sentences in the tenant's data (or writes down the ones the tenant's
 * data is known to hold); the leakage suite checks that no other tenant's adapter learnt them.
 */
public final class CanaryFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CanaryFile() {}

  /**
   * Every tenant's canaries, by tenant, from its file ({@code perennial.evaluator.tenant.<t>.
   * canary.file}), each checked as {@link #read} checks it.
   */
  public static Map<String, List<PlantedCanary>> readAll(Map<String, Path> files, int controls) {
    Map<String, List<PlantedCanary>> canaries = new TreeMap<>();
    files.forEach((tenant, file) -> canaries.put(tenant, read(tenant, file, controls)));
    return canaries;
  }

  /**
   * Every canary of the file, each checked to allow {@code controls} controls; a file without any
   * is a problem too.
   *
   * @throws EvaluatorException naming the file and line of every problem at once
   */
  public static List<PlantedCanary> read(String tenant, Path file, int controls) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EvaluatorException(
          "Cannot read canary file " + file.toAbsolutePath() + " of tenant " + tenant + ": " + e,
          e);
    }
    List<PlantedCanary> canaries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      try {
        JsonNode node = JSON.readTree(lines.get(i));
        PlantedCanary canary =
            new PlantedCanary(
                tenant,
                canaries.size() + 1,
                node.path("prefix").asText(""),
                node.path("secret").asText(""),
                node.path("suffix").asText(""));
        if (canary.shapeSize() <= controls) {
          problems.add(
              where
                  + ": the secret's shape has only "
                  + canary.shapeSize()
                  + " values, too few for "
                  + controls
                  + " controls");
          continue;
        }
        canaries.add(canary);
      } catch (JsonProcessingException e) {
        // not the parser's message: it quotes the token it choked on, which may be the secret
        problems.add(
            where
                + ": not JSON"
                + (e.getLocation() == null
                    ? ""
                    : " (column " + e.getLocation().getColumnNr() + ")"));
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
      }
    }
    if (problems.isEmpty() && canaries.isEmpty()) {
      // read as none, every other tenant's candidate would skip the leakage gate and pass
      problems.add(file + ": no canary (a configured file must name at least one)");
    }
    if (!problems.isEmpty()) {
      throw new EvaluatorException(
          "Canary file of tenant " + tenant + " has problems: " + String.join("; ", problems));
    }
    return canaries;
  }

  /** Writes canaries in the file's format (the local run writes the synthetic world's). */
  public static void write(Path file, List<PlantedCanary> canaries) {
    StringBuilder text = new StringBuilder();
    for (PlantedCanary canary : canaries) {
      ObjectNode node = JSON.createObjectNode();
      node.put("prefix", canary.prefix());
      node.put("secret", canary.secret());
      node.put("suffix", canary.suffix());
      text.append(node).append('\n');
    }
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EvaluatorException("Cannot write canary file " + file + ": " + e, e);
    }
  }
}
