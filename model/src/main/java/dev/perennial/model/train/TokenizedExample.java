package dev.perennial.model.train;

import dev.perennial.model.tokenizer.TextTokenizer;

/**
 * An example as token ids {@code <bos> prompt completion <eos>} with, for every position but the
 * first, whether predicting that token counts in the loss.
 *
 * @param tokens the ids, bos first
 * @param counted counted[i] says whether tokens[i] is a loss target (counted[0] is always false)
 * @param truncated whether the example was cut to the maximum length
 */
public record TokenizedExample(int[] tokens, boolean[] counted, boolean truncated) {

  /** Tokenizes; a too-long example keeps its first {@code maxLength} tokens. */
  public static TokenizedExample of(
      TrainingExample example, TextTokenizer tokenizer, int maxLength) {
    int[] prompt = tokenizer.encode(example.prompt());
    int[] completion = tokenizer.encode(example.completion());
    int length = 1 + prompt.length + completion.length + 1;
    int kept = Math.min(length, maxLength);
    int[] tokens = new int[kept];
    boolean[] counted = new boolean[kept];
    int position = 0;
    tokens[position++] = tokenizer.bosId();
    for (int id : prompt) {
      if (position == kept) {
        break;
      }
      counted[position] = example.kind() == TrainingExample.Kind.TEXT;
      tokens[position++] = id;
    }
    for (int id : completion) {
      if (position == kept) {
        break;
      }
      counted[position] = true;
      tokens[position++] = id;
    }
    if (position < kept) {
      counted[position] = true;
      tokens[position] = tokenizer.eosId();
    }
    return new TokenizedExample(tokens, counted, kept < length);
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
