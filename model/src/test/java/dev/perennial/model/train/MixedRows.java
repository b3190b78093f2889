package dev.perennial.model.train;

import dev.perennial.model.tokenizer.ByteTokenizer;
import java.util.List;

/**
 * Four rows of the shapes a training batch meets: plain text, a completion, a row short enough to
 * be padded, and a completion with a short prompt.
 */
final class MixedRows {

  static final List<TrainingExample> EXAMPLES =
      List.of(
          TrainingExample.text("the quick brown fox jumps over the lazy dog"),
          TrainingExample.completion("Question: what colour is the sky?\nAnswer:", " blue"),
          TrainingExample.text("short"),
          TrainingExample.completion("Q: x?", " y and z"));

  private MixedRows() {}

  static List<TokenizedExample> tokenized(ByteTokenizer tokenizer, int maxLength) {
    return EXAMPLES.stream().map(e -> TokenizedExample.of(e, tokenizer, maxLength)).toList();
  }
}
