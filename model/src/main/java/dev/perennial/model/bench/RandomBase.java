package dev.perennial.model.bench;

import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.HfCheckpoint;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A base of real shape with random weights, written by the benchmark itself: {@code config.json},
 * {@code model.safetensors} in BF16 (as Hugging Face ships such bases) and Perennial's byte
 * tokenizer (ids 0-258 of the full vocabulary; the softmax still spans all of it). Weights are
 * uniform with standard deviation 0.02, norms one; written chunk by chunk, so a billion-parameter
 * base never sits in Java memory.
 */
public final class RandomBase {

  /** The shapes a random base can take. */
  public enum Shape {
    /**
     * Llama-3.2-1B: vocabulary 128,256, hidden 2048, MLP 8192, 16 layers, 32 query / 8 key-value
     * heads of 64, tied embeddings (1.24 B parameters). Rotary settings are the plain ones: they
     * change no shape or cost.
     */
    LLAMA_3_2_1B(128_256, 2048, 8192, 16, 32, 8, true),
    /** The 100M-class Llama shape of issue 18: hidden 768, 12 layers, vocabulary 32,000. */
    LLAMA_100M(32_000, 768, 2048, 12, 12, 12, false),
    /**
     * Llama 3's vocabulary (128,256) on a small body: hidden 256, MLP 1024, 2 layers, 4 heads of
     * 64, tied embeddings (34 M parameters, 33 M of them the embedding): a head as wide as a real
     * one for the memory of a scoring pass, cheap everywhere else.
     */
    LLAMA_128K_SMALL(128_256, 256, 1024, 2, 4, 4, true);

    private final int vocab;
    private final int hidden;
    private final int mlp;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final boolean tied;

    Shape(int vocab, int hidden, int mlp, int layers, int heads, int kvHeads, boolean tied) {
      this.vocab = vocab;
      this.hidden = hidden;
      this.mlp = mlp;
      this.layers = layers;
      this.heads = heads;
      this.kvHeads = kvHeads;
      this.tied = tied;
    }

    /** The shape's config with all its layers. */
    public LlamaConfig config() {
      return config(layers);
    }

    /** The shape's config with another number of layers (to measure the cost of one layer). */
    public LlamaConfig config(int layerCount) {
      return LlamaConfig.llama(vocab, hidden, mlp, layerCount, heads, kvHeads, 8192, tied)
          .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS);
    }

    /** {@code llama-3.2-1b} or {@code llama-100m}. */
    public static Shape parse(String text) {
      for (Shape shape : values()) {
        if (shape.label().equals(text)) {
          return shape;
        }
      }
      throw new ModelException(
          "unknown random base shape "
              + text
              + "; known: "
              + String.join(", ", Arrays.stream(values()).map(Shape::label).toList()));
    }

    public String label() {
      return name()
          .toLowerCase(Locale.ROOT)
          .replace("llama_3_2_1b", "llama-3.2-1b")
          .replace('_', '-');
    }
  }

  private RandomBase() {}

  /**
   * Writes the base into {@code folder} (created), seeded, and returns the folder.
   *
   * @param layers the number of decoder layers, or 0 for the shape's own
   */
  public static Path write(Path folder, Shape shape, int layers, long seed) {
    LlamaConfig config = layers > 0 ? shape.config(layers) : shape.config();
    try {
      Files.createDirectories(folder);
      config.write(folder.resolve(HfCheckpoint.CONFIG));
      Files.writeString(
          folder.resolve(Tokenizers.BYTE_DESCRIPTION),
          Tokenizers.byteDescription(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelException("cannot write random base " + folder + ": " + e.getMessage(), e);
    }
    Map<String, long[]> shapes = new LinkedHashMap<>();
    DecoderModel.base(config).baseShapes().forEach((name, s) -> shapes.put(name, s.getShape()));
    float halfWidth = (float) (0.02 * Math.sqrt(3));
    SafetensorsWriter.write(
        folder.resolve(HfCheckpoint.WEIGHTS),
        shapes,
        Map.of("format", "pt"),
        SafetensorsWriter.Dtype.BF16,
        (name, from, values, count) -> {
          if (name.endsWith("norm.weight")) {
            java.util.Arrays.fill(values, 0, count, 1f);
            return;
          }
          SplittableRandom random = new SplittableRandom(seed * 31 + name.hashCode() + from);
          for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble(-1, 1) * halfWidth);
          }
        });
    return folder;
  }
}
