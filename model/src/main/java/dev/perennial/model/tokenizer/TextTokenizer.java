package dev.perennial.model.tokenizer;

/** Text to token ids and back, with the special ids training and generation need. */
public interface TextTokenizer {

  /** Token ids of the text, without special tokens. */
  int[] encode(String text);

  /** The text of token ids; special tokens are left out. */
  String decode(int[] ids);

  /** The id a sequence starts with. */
  int bosId();

  /** The id that ends a sequence (and stops generation). */
  int eosId();

  /** The id padding positions hold (they are masked, so any valid id works). */
  int padId();
}
