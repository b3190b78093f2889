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

  /** Tokenizes; a too-long example keeps its first {@code maxLength} tokens. */
  public static TokenizedExample of(
      TrainingExample example, TextTokenizer tokenizer, int maxLength) {
    SequenceEncoder.Sequence sequence =
        example.kind() == TrainingExample.Kind.TEXT
            ? SequenceEncoder.text(tokenizer, example.completion())
            : SequenceEncoder.completion(tokenizer, example.prompt(), example.completion());
    int length = sequence.tokens().length;
    int kept = Math.min(length, maxLength);
    return new TokenizedExample(
        Arrays.copyOf(sequence.tokens(), kept),
        Arrays.copyOf(sequence.counted(), kept),
        kept < length);
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
