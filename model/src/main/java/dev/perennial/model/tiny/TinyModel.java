package dev.perennial.model.tiny;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.HfCheckpoint;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.tokenizer.Tokenizers;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.World;
import dev.perennial.model.world.WorldSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The bundled base {@code perennial-tiny}: a byte-level Llama pretrained on the standard world's
 * general corpus, shipped inside this jar so everything runs offline on a laptop CPU.
 *
 * <p>Reproduce the weights with {@code perennial pretrain} (the same {@link #settings()}, on CPU
 * with the same thread count) and compare the digest with {@link #digest()}: any process gives the
 * same bytes.
 */
public final class TinyModel {

  public static final String NAME = "perennial-tiny";

  private static final String RESOURCES = "/dev/perennial/model/tiny/";
  private static final List<String> FILES =
      List.of(
          HfCheckpoint.CONFIG,
          HfCheckpoint.WEIGHTS,
          Tokenizers.BYTE_DESCRIPTION,
          Pretrainer.RECORD,
          Pretrainer.GENERAL_EVALUATION,
          Pretrainer.GENERAL_REPLAY);

  private static Path extracted;

  private TinyModel() {}

  /**
   * The architecture: 4 layers, hidden 192, MLP 512, 6 query and 3 key/value heads of 32, tied
   * embeddings, 512 positions (1.67 million parameters).
   */
  public static LlamaConfig config() {
    return LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 192, 512, 4, 6, 3, 512, true)
        .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS);
  }

  /** How the bundled weights were made. */
  public static PretrainSettings settings() {
    TrainingRecipe recipe =
        new TrainingRecipe(
            /* steps */ 2000,
            /* rows */ 16,
            /* accumulation */ 1,
            /* learning rate */ 2e-3,
            /* warm-up */ 100,
            /* min ratio */ 0.05,
            /* weight decay */ 0.01,
            /* clip */ 1.0,
            /* sequence length */ 128,
            /* replay */ 0.0,
            /* data seed */ 7,
            /* threads */ 1);
    return new PretrainSettings(config(), World.STANDARD_SEED, WorldSize.standard(), 1234, recipe);
  }

  /** The bundled model, extracted once per process to a temporary folder. */
  public static synchronized BaseModel open() {
    return BaseModel.open(folder(), NAME);
  }

  /** The folder holding the bundled files (extracted on first use). */
  public static synchronized Path folder() {
    if (extracted == null) {
      try {
        Path folder = Files.createTempDirectory("perennial-tiny-");
        for (String file : FILES) {
          try (InputStream in = resource(file)) {
            Files.copy(in, folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
          }
        }
        folder.toFile().deleteOnExit();
        for (String file : FILES) {
          folder.resolve(file).toFile().deleteOnExit();
        }
        extracted = folder;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the bundled " + NAME, e);
      }
    }
    return extracted;
  }

  /** The digest recorded when the bundled weights were made. */
  public static String digest() {
    return record().path("digest").asText();
  }

  /** The pretraining record ({@value Pretrainer#RECORD}). */
  public static JsonNode record() {
    try (InputStream in = resource(Pretrainer.RECORD)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The general evaluation set shipped with the model: {question, answer, prompt, completion,
   * fact}.
   */
  public static List<JsonNode> generalEvaluationSet() {
    return jsonLines(Pretrainer.GENERAL_EVALUATION);
  }

  /** The general replay texts shipped with the model. */
  public static List<String> generalReplaySet() {
    return jsonLines(Pretrainer.GENERAL_REPLAY).stream().map(n -> n.get("text").asText()).toList();
  }

  private static List<JsonNode> jsonLines(String file) {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    try (InputStream in = resource(file)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          lines.add(json.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  private static InputStream resource(String file) {
    InputStream in = TinyModel.class.getResourceAsStream(RESOURCES + file);
    if (in == null) {
      throw new ModelException(
          "the bundled " + NAME + " lacks " + file + " (run `perennial pretrain` to make it)");
    }
    return in;
  }
}
