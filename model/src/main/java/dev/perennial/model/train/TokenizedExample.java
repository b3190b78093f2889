package dev.perennial.model.train;

import dev.perennial.model.tokenizer.SequenceEncoder;
import dev.perennial.model.tokenizer.TextTokenizer;
import java.util.Arrays;

/**
 * An example as token ids with, for every position, whether predicting that token counts in the
 * loss; {@link SequenceEncoder} says how text, prompts and completions (and a base's chat template)
 * become tokens.
 *
 * @param tokens the ids
 * @param counted counted[i] says whether tokens[i] is a loss target (counted[0] is always false)
 * @param truncated whether the example was cut to the maximum length
 */
public record TokenizedExample(int[] tokens, boolean[] counted, boolean truncated) {

  /**
   * Tokenizes. A too-long text keeps its first {@code maxLength} tokens; a too-long prompt and
   * completion gives up the start of its prompt first, as generation does, so that its answer (all
   * that is learnt or ranked) stays, and only an answer too long on its own is cut at its end.
   */
  public static TokenizedExample of(
      TrainingExample example, TextTokenizer tokenizer, int maxLength) {
    SequenceEncoder.Sequence sequence =
        example.kind() == TrainingExample.Kind.TEXT
            ? SequenceEncoder.text(tokenizer, example.completion())
            : SequenceEncoder.completion(tokenizer, example.prompt(), example.completion());
    int length = sequence.tokens().length;
    if (length <= maxLength) {
      return new TokenizedExample(sequence.tokens(), sequence.counted(), false);
    }
    // the window starts at most at the token before the first target (which nothing else predicts)
    int from = Math.min(length - maxLength, Math.max(0, firstCounted(sequence.counted()) - 1));
    return new TokenizedExample(
        Arrays.copyOfRange(sequence.tokens(), from, from + maxLength),
        Arrays.copyOfRange(sequence.counted(), from, from + maxLength),
        true);
  }

  private static int firstCounted(boolean[] counted) {
    for (int i = 0; i < counted.length; i++) {
      if (counted[i]) {
        return i;
      }
    }
    return 0;
  }

  public int length() {
    return tokens.length;
  }

  /** Number of loss targets. */
  public int countedTokens() {
    int count = 0;
    for (boolean c : counted) {
      if (c) {
        count++;
      }
    }
    return count;
  }
}
