package dev.perennial.model.train;

import dev.perennial.model.ModelException;
import dev.perennial.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A feedback example as the rows its objective scores, each the prompt with one answer (only the
 * answer's tokens counted): the answer; for a pair the rejected answer; for a rating a mismatched
 * row (its prompt with the next rating's answer, cyclically over the job's ratings), on which KTO
 * estimates its reference point.
 *
 * @param rejected null for a rating
 * @param mismatched null for a pair
 */
record TokenizedFeedback(
    FeedbackExample.Kind kind,
    TokenizedExample answer,
    TokenizedExample rejected,
    TokenizedExample mismatched,
    boolean desirable) {

  /**
   * Tokenizes every example the tokenizer accepts; one it refuses is skipped with its reason in
   * {@code refusals}.
   */
  static List<TokenizedFeedback> of(
      List<FeedbackExample> examples,
      TextTokenizer tokenizer,
      int maxLength,
      List<String> refusals) {
    List<FeedbackExample> accepted = new ArrayList<>();
    List<TokenizedExample[]> rows = new ArrayList<>();
    for (FeedbackExample example : examples) {
      try {
        rows.add(
            new TokenizedExample[] {
              row(example.prompt(), example.answer(), tokenizer, maxLength),
              example.isPair()
                  ? row(example.prompt(), example.rejected(), tokenizer, maxLength)
                  : null
            });
        accepted.add(example);
      } catch (ModelException e) {
        refusals.add(e.getMessage());
      }
    }
    List<Integer> ratings = new ArrayList<>();
    for (int i = 0; i < accepted.size(); i++) {
      if (!accepted.get(i).isPair()) {
        ratings.add(i);
      }
    }
    List<TokenizedFeedback> tokenized = new ArrayList<>(accepted.size());
    for (int i = 0; i < accepted.size(); i++) {
      FeedbackExample example = accepted.get(i);
      TokenizedExample mismatched = null;
      if (!example.isPair()) {
        int next = ratings.get((ratings.indexOf(i) + 1) % ratings.size());
        mismatched = row(example.prompt(), accepted.get(next).answer(), tokenizer, maxLength);
      }
      tokenized.add(
          new TokenizedFeedback(
              example.kind(), rows.get(i)[0], rows.get(i)[1], mismatched, example.desirable()));
    }
    return tokenized;
  }

  boolean truncated() {
    return answer.truncated() || (rejected != null && rejected.truncated());
  }

  private static TokenizedExample row(
      String prompt, String answer, TextTokenizer tokenizer, int maxLength) {
    return TokenizedExample.of(TrainingExample.completion(prompt, answer), tokenizer, maxLength);
  }
}
