package dev.perennial.model.score;

import dev.perennial.model.ModelException;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.runtime.LanguageModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact match of greedy answers: the generated text, trimmed, must equal the expected answer.
 *
 * @param correct per question, whether the answer matched
 * @param answers what the model answered
 */
public record ExactMatch(boolean[] correct, List<String> answers) {

  /** The share of questions answered exactly (0 when there are none). */
  public double rate() {
    if (correct.length == 0) {
      return 0;
    }
    int hits = 0;
    for (boolean c : correct) {
      hits += c ? 1 : 0;
    }
    return (double) hits / correct.length;
  }

  /** Generates an answer for every prompt and compares it with the expected one. */
  public static ExactMatch evaluate(
      LanguageModel model, List<String> prompts, List<String> expected, Generator.Options options) {
    return compare(Generator.greedy(model, prompts, options), expected);
  }

  /** The same with prompt i answered under adapter {@code adapterOf[i]}. */
  public static ExactMatch evaluateWithAdapters(
      LanguageModel base,
      AdapterStack adapters,
      int[] adapterOf,
      List<String> prompts,
      List<String> expected,
      Generator.Options options) {
    return compare(
        Generator.greedyWithAdapters(base, adapters, adapterOf, prompts, options), expected);
  }

  private static ExactMatch compare(List<String> answers, List<String> expected) {
    if (answers.size() != expected.size()) {
      throw new ModelException(answers.size() + " answers for " + expected.size() + " expected");
    }
    boolean[] correct = new boolean[answers.size()];
    List<String> trimmed = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      String answer = answers.get(i).trim();
      trimmed.add(answer);
      correct[i] = answer.equals(expected.get(i).trim());
    }
    return new ExactMatch(correct, trimmed);
  }
}
