package dev.perennial.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.perennial.model.ModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's tokenizers artifact, whose jar carries the
 * native library for linux-x86_64, so it loads offline.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer, AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int bosId;
  private final int eosId;
  private final int padId;

  private HuggingFaceTextTokenizer(
      HuggingFaceTokenizer tokenizer, int bosId, int eosId, int padId) {
    this.tokenizer = tokenizer;
    this.bosId = bosId;
    this.eosId = eosId;
    this.padId = padId;
  }

  /**
   * Loads {@code tokenizer.json}; special token ids come from the model config.
   *
   * @param padId the padding id, or -1 to pad with the eos id
   */
  public static HuggingFaceTextTokenizer load(Path tokenizerJson, int bosId, int eosId, int padId) {
    if (eosId < 0) {
      throw new ModelException(
          "the model config names no eos_token_id, which generation and training need");
    }
    try {
      HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.newInstance(
              tokenizerJson,
              Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
      return new HuggingFaceTextTokenizer(tokenizer, bosId, eosId, padId < 0 ? eosId : padId);
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      throw new ModelException(
          "cannot load the Hugging Face tokenizer "
              + tokenizerJson
              + " through DJL's tokenizers native library: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public int[] encode(String text) {
    Encoding encoding = tokenizer.encode(text, false, false);
    long[] ids = encoding.getIds();
    int[] result = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      result[i] = Math.toIntExact(ids[i]);
    }
    return result;
  }

  @Override
  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, true);
  }

  @Override
  public int bosId() {
    return bosId;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  @Override
  public int padId() {
    return padId;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
