package dev.perennial.model.tokenizer;

import dev.perennial.model.tokenizer.chat.ChatTemplate;
import java.util.List;
import java.util.Set;

/**
 * Text to token ids and back, with the special tokens and chat template of the model it belongs to.
 * {@link SequenceEncoder} turns examples and prompts into sequences with them.
 */
public interface TextTokenizer {

  /** Token ids of the text, adding no special tokens (special tokens written in it are read). */
  int[] encode(String text);

  /**
   * Token ids with, for each, where its text ends in {@code text} (a Java {@code char} index): what
   * a loss mask by character offsets needs.
   */
  Encoded encodeWithEnds(String text);

  /** Token ids and the end of each token's text. */
  record Encoded(int[] ids, int[] ends) {}

  /**
   * As {@link #encodeWithEnds}, for untrusted text (a tenant's): the texts of special tokens in it
   * ({@code <|eot_id|>}, {@code </s>}) are plain text, so no text can forge a control token; only
   * Perennial places those.
   */
  Encoded encodeText(String text);

  /** The text of token ids; special tokens are left out. */
  String decode(int[] ids);

  /** The id a sequence starts with, or -1 when this tokenizer starts sequences with none. */
  int bosId();

  /** The id that ends a training sequence. */
  int eosId();

  /** Every id that ends generation (the tokenizer's and the generation config's end tokens). */
  Set<Integer> stopIds();

  /** The id padding positions hold (they are masked, so any valid id works). */
  int padId();

  /** The model's chat template, or null when it has none (a base model, not a chat model). */
  default ChatTemplate chatTemplate() {
    return null;
  }

  /** Texts this tokenizer reads as special tokens wherever they appear. */
  default List<String> specialTokenTexts() {
    return List.of();
  }
}
