package dev.perennial.evaluator.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.evaluator.EvaluatorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The base model's general evaluation set ({@value #FILE} in the model folder, one JSON object with
 * {@code prompt} and {@code completion} per line, as {@code perennial pretrain} writes it): what
 * the base knew before any adapter, the retention suite's yardstick.
 */
public final class GeneralSet {

  public static final String FILE = "general-eval.jsonl";

  private GeneralSet() {}

  /**
   * The set in the model folder, or empty when the folder has none.
   *
   * @throws EvaluatorException when the file exists but a line is not a question
   */
  public static List<EvalExample> read(Path modelFolder) {
    Path file = modelFolder.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    ObjectMapper json = new ObjectMapper();
    List<EvalExample> questions = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EvaluatorException("Cannot read general evaluation set " + file + ": " + e, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        JsonNode node = json.readTree(lines.get(i));
        String prompt = node.path("prompt").asText("");
        String completion = node.path("completion").asText("");
        if (prompt.isEmpty() || completion.isEmpty()) {
          throw new EvaluatorException(
              file + " line " + (i + 1) + ": needs a prompt and a completion");
        }
        questions.add(EvalExample.question(prompt, completion));
      } catch (IOException e) {
        throw new EvaluatorException(file + " line " + (i + 1) + " is not JSON: " + e, e);
      }
    }
    return questions;
  }

  /**
   * {@code size} examples spread evenly over {@code all} (the first included), or all of them when
   * {@code size} is 0 or at least their number.
   */
  public static <T> List<T> spread(List<T> all, int size) {
    if (size == 0 || size >= all.size()) {
      return List.copyOf(all);
    }
    List<T> picked = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      picked.add(all.get((int) ((long) i * all.size() / size)));
    }
    return picked;
  }
}
