package dev.perennial.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds a model folder's tokenizer: {@value #BYTE_DESCRIPTION} (Perennial's byte tokenizer) or a
 * Hugging Face {@code tokenizer.json}.
 */
public final class Tokenizers {

  /** The description file of a byte-level tokenizer, written with the bundled base. */
  public static final String BYTE_DESCRIPTION = "perennial_tokenizer.json";

  public static final String HUGGING_FACE = "tokenizer.json";

  /**
   * {@code generation_config.json}: its {@code eos_token_id} ends every training sequence when
   * {@code tokenizer_config.json} names no {@code eos_token}, its {@code pad_token_id} pads, and
   * both stop generation ({@link HuggingFaceTextTokenizer}).
   */
  public static final String GENERATION_CONFIG = HuggingFaceFiles.GENERATION_CONFIG;

  /**
   * Every file that decides how a folder's model reads text, in digest order. {@value
   * #GENERATION_CONFIG} comes last: it was added after the others, and a folder without it keeps
   * the digest it had before.
   */
  public static final List<String> FILES =
      List.of(
          BYTE_DESCRIPTION,
          HUGGING_FACE,
          "tokenizer_config.json",
          "special_tokens_map.json",
          "chat_template.jinja",
          GENERATION_CONFIG);

  private Tokenizers() {}

  public static TextTokenizer forFolder(Path folder, LlamaConfig config) {
    Path description = folder.resolve(BYTE_DESCRIPTION);
    if (Files.isRegularFile(description)) {
      checkByteDescription(description);
      checkByteIdsHaveEmbeddingRows(description, config);
      return new ByteTokenizer();
    }
    Path tokenizerJson = folder.resolve(HUGGING_FACE);
    if (Files.isRegularFile(tokenizerJson)) {
      return HuggingFaceTextTokenizer.load(folder, config);
    }
    throw new ModelException(
        "model folder " + folder + " has neither " + BYTE_DESCRIPTION + " nor " + HUGGING_FACE);
  }

  /** The description written next to a byte-level model. */
  public static String byteDescription() {
    return "{\n"
        + "  \"type\": \"byte\",\n"
        + "  \"encoding\": \"UTF-8 bytes, id = byte value 0-255\",\n"
        + "  \"special_tokens\": {\"<pad>\": "
        + ByteTokenizer.PAD
        + ", \"<bos>\": "
        + ByteTokenizer.BOS
        + ", \"<eos>\": "
        + ByteTokenizer.EOS
        + "},\n"
        + "  \"vocab_size\": "
        + ByteTokenizer.VOCAB_SIZE
        + "\n}\n";
  }

  /** As for a Hugging Face tokenizer: every id needs a row of the embedding, more rows is fine. */
  private static void checkByteIdsHaveEmbeddingRows(Path description, LlamaConfig config) {
    if (config.vocabSize() < ByteTokenizer.VOCAB_SIZE) {
      throw new ModelException(
          description
              + " describes the byte tokenizer, whose token '<eos>' has id "
              + ByteTokenizer.EOS
              + ", but the model's embedding has "
              + config.vocabSize()
              + " rows (vocab_size in config.json), so no id from "
              + config.vocabSize()
              + " on can be read");
    }
  }

  private static void checkByteDescription(Path description) {
    try {
      JsonNode json = new ObjectMapper().readTree(Files.readString(description));
      if (!"byte".equals(json.path("type").asText())
          || json.path("vocab_size").asInt() != ByteTokenizer.VOCAB_SIZE) {
        throw new ModelException(
            description
                + " does not describe Perennial's byte tokenizer (type byte, vocab_size "
                + ByteTokenizer.VOCAB_SIZE
                + ")");
      }
    } catch (IOException e) {
      throw new ModelException("cannot read " + description + ": " + e.getMessage(), e);
    }
  }
}
