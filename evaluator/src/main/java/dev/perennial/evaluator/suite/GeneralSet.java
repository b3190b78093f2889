package dev.perennial.evaluator.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.crypto.Digest;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.model.ModelException;
import dev.perennial.model.tiny.GeneralReplaySet;
import dev.perennial.model.tiny.Pretrainer;
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
   * The name of the set the retention suite asks from {@code modelFolder}: {@code asked} of its
   * {@code all} questions and the SHA-256 of {@value #FILE} ({@code general:12/40 sha256:<hex>};
   * {@code general:0/0} without one). The base model's digest does not cover this file, so the name
   * is what tells which set a report's retention numbers were measured on (and what the scorer
   * caches them under).
   */
  public static String dataset(Path modelFolder, int asked, int all) {
    Path file = modelFolder.resolve(FILE);
    String name = "general:" + asked + "/" + all;
    return Files.isRegularFile(file) ? name + " " + Digest.of(file) : name;
  }

  /**
   * The set in the model folder, or empty when the folder has none.
   *
   * @throws EvaluatorException when the file exists but a line is not a question, or when a
   *     question with its answer is also in the folder's general replay set ({@link
   *     #requireNotRehearsed})
   */
  public static List<EvalExample> read(Path modelFolder) {
    Path file = modelFolder.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<EvalExample> questions = questions(file);
    Path replay = modelFolder.resolve(Pretrainer.GENERAL_REPLAY);
    if (Files.isRegularFile(replay)) {
      requireNotRehearsed(questions, file, replayTexts(replay), replay);
    }
    return questions;
  }

  /**
   * Refuses a general set one of whose questions, answer included, a replay text holds: adapters
   * rehearse the replay set, so the retention gate would score text they were trained on. (The
   * bundled bases ask the same facts in other phrasings there, which is what replay is for.)
   */
  static void requireNotRehearsed(
      List<EvalExample> questions, Path file, List<String> replay, Path replayFile) {
    for (int i = 0; i < questions.size(); i++) {
      String asked = questions.get(i).prompt() + questions.get(i).target();
      if (replay.stream().anyMatch(text -> text.contains(asked))) {
        throw new EvaluatorException(
            file
                + ": question "
                + (i + 1)
                + " ("
                + questions.get(i).prompt().strip()
                + ") is also in "
                + replayFile
                + " with its answer; adapters rehearse that set, so the retention gate would"
                + " score what they trained on. Take it out of one of the two");
      }
    }
  }

  private static List<String> replayTexts(Path replay) {
    try {
      return GeneralReplaySet.read(replay);
    } catch (ModelException e) {
      throw new EvaluatorException(e.getMessage(), e);
    }
  }

  private static List<EvalExample> questions(Path file) {
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
