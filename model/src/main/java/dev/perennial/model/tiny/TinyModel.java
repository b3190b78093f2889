package dev.perennial.model.tiny;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.World;
import dev.perennial.model.world.WorldSize;
import java.nio.file.Path;
import java.util.List;

/**
 * The bundled base {@code perennial-tiny}: a byte-level Llama pretrained on the standard world's
 * general corpus, shipped inside this jar so everything runs offline on a laptop CPU.
 *
 * <p>Reproduce the weights with {@code perennial pretrain} (the same {@link #settings()}, on CPU
 * with the same thread count) and compare the digest with {@link #digest()}: any process on the
 * same engine, CPU kernels and thread count gives the same bytes, but no setting measured on an
 * AVX-512 AMD EPYC reproduces the bundled ones (model/README.md, perennial-tiny).
 */
public final class TinyModel {

  public static final String NAME = "perennial-tiny";

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
    return BundledBase.PERENNIAL_TINY.open();
  }

  /** The folder holding the bundled files (extracted on first use). */
  public static Path folder() {
    return BundledBase.PERENNIAL_TINY.folder();
  }

  /** The digest recorded when the bundled weights were made. */
  public static String digest() {
    return BundledBase.PERENNIAL_TINY.digest();
  }

  /** The pretraining record ({@value Pretrainer#RECORD}). */
  public static JsonNode record() {
    return BundledBase.PERENNIAL_TINY.record();
  }

  /**
   * The general evaluation set shipped with the model: {question, answer, prompt, completion,
   * fact}.
   */
  public static List<JsonNode> generalEvaluationSet() {
    return BundledBase.PERENNIAL_TINY.generalEvaluationSet();
  }

  /** The general replay texts shipped with the model. */
  public static List<String> generalReplaySet() {
    return BundledBase.PERENNIAL_TINY.generalReplaySet();
  }
}
