package dev.perennial.model.tiny;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A base model folder's {@value Pretrainer#GENERAL_REPLAY}: the general texts adapters rehearse so
 * as to keep what the base knew, one JSON object with a non-empty {@code text} per line, as {@code
 * perennial pretrain} writes it.
 */
public final class GeneralReplaySet {

  private GeneralReplaySet() {}

  /**
   * The texts of {@code file}, in order; blank lines are skipped.
   *
   * @throws ModelException naming the file and line of one that is not such an object
   */
  public static List<String> read(Path file) {
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelException("cannot read general replay set " + file + ": " + e, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      JsonNode text;
      try {
        text = json.readTree(lines.get(i)).path("text");
      } catch (IOException e) {
        throw new ModelException(file + " line " + (i + 1) + " is not JSON: " + e.getMessage(), e);
      }
      if (!text.isTextual() || text.asText().isEmpty()) {
        throw new ModelException(file + " line " + (i + 1) + ": needs a non-empty text");
      }
      texts.add(text.asText());
    }
    return texts;
  }
}
