package dev.perennial.trainer.testing;

import dev.perennial.model.checkpoint.CheckpointWriter;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.tiny.Pretrainer;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A very small byte-level Llama with seeded random weights, written as a Hugging Face folder with a
 * general replay set: a base the worker trains on in a second, whatever the bundled model.
 */
public final class TestBase {

  public static final String NAME = "test-base";

  private TestBase() {}

  /** The test base's architecture. */
  public static LlamaConfig config() {
    return LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 128, true)
        .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS);
  }

  /** Writes the base into {@code folder} (once) and returns the folder. */
  public static synchronized Path write(Path folder) {
    return write(folder, config(), 7);
  }

  /** Writes a base of another architecture or seed (a successor, in re-basing tests). */
  public static synchronized Path write(Path folder, LlamaConfig config, long seed) {
    if (Files.isRegularFile(folder.resolve("config.json"))) {
      return folder;
    }
    CheckpointWriter.write(
        folder,
        config,
        ModelWeights.initialize(DecoderModel.base(config), seed),
        SafetensorsWriter.Dtype.F32);
    try {
      Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    writeGeneralReplay(folder, "The general lamp is white.", "Quorn is a town.");
    return folder;
  }

  /** Replaces the general replay set of the base in {@code folder} with {@code texts}. */
  public static void writeGeneralReplay(Path folder, String... texts) {
    StringBuilder lines = new StringBuilder();
    for (String text : texts) {
      lines.append("{\"text\":\"").append(text).append("\"}\n");
    }
    try {
      Files.writeString(folder.resolve(Pretrainer.GENERAL_REPLAY), lines.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
