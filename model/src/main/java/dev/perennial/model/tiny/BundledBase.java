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
import java.util.Arrays;
import java.util.List;

/**
 * The base models shipped inside this jar, so everything runs offline on a laptop CPU: {@code
 * perennial-tiny} and its two successors for base upgrades. {@code perennial-tiny-2} is {@code
 * perennial-tiny} pretrained further on the world's next epoch (some general facts changed; same
 * tokenizer and shapes, so an adapter carries over). {@code perennial-tiny-deep} has another shape
 * (6 narrower layers), pretrained from scratch on the same next epoch (an adapter must be
 * distilled). Each is reproducible from its {@link #settings()} with {@code perennial pretrain
 * --base NAME}.
 */
public enum BundledBase {
  PERENNIAL_TINY(TinyModel.NAME, "tiny"),
  PERENNIAL_TINY_2("perennial-tiny-2", "tiny-2"),
  PERENNIAL_TINY_DEEP("perennial-tiny-deep", "tiny-deep");

  /**
   * The ATen CPU kernels ({@code ATEN_CPU_CAPABILITY}, see {@link
   * dev.perennial.model.runtime.EngineSetup}) {@code perennial-tiny-2} was computed with: on a CPU
   * with AVX-512 PyTorch picks its AVX-512 kernels, whose bits differ, and {@code
   * ATEN_CPU_CAPABILITY=avx2} reproduces its bundled digest there. {@code perennial-tiny}
   * reproduces with neither (model/README.md, perennial-tiny); {@code perennial-tiny-deep} was not
   * rerun. The perennial script sets it for {@code pretrain}.
   */
  public static final String ATEN_CPU_CAPABILITY = "avx2";

  /** How a model folder names a bundled base: {@code bundled:perennial-tiny-2}. */
  public static final String LOCATION_PREFIX = "bundled:";

  private static final List<String> FILES =
      List.of(
          HfCheckpoint.CONFIG,
          HfCheckpoint.WEIGHTS,
          Tokenizers.BYTE_DESCRIPTION,
          Pretrainer.RECORD,
          Pretrainer.GENERAL_EVALUATION,
          Pretrainer.GENERAL_REPLAY);

  private final String modelName;
  private final String resources;
  private Path extracted;

  BundledBase(String modelName, String folder) {
    this.modelName = modelName;
    this.resources = "/dev/perennial/model/" + folder + "/";
  }

  public String modelName() {
    return modelName;
  }

  /** {@code bundled:<name>}. */
  public String location() {
    return LOCATION_PREFIX + modelName;
  }

  /**
   * The base of a name ({@code perennial-tiny-2}) or location ({@code bundled:perennial-tiny-2}).
   */
  public static BundledBase parse(String name) {
    String bare =
        name.startsWith(LOCATION_PREFIX) ? name.substring(LOCATION_PREFIX.length()) : name;
    for (BundledBase base : values()) {
      if (base.modelName.equals(bare)) {
        return base;
      }
    }
    throw new ModelException(
        "no bundled base "
            + name
            + "; bundled: "
            + Arrays.stream(values()).map(BundledBase::modelName).toList());
  }

  /** How the bundled weights were made. */
  public PretrainSettings settings() {
    switch (this) {
      case PERENNIAL_TINY:
        return TinyModel.settings();
      case PERENNIAL_TINY_2:
        return new PretrainSettings(
            modelName,
            TinyModel.config(),
            World.STANDARD_SEED,
            WorldSize.standard(),
            2,
            0,
            PERENNIAL_TINY,
            new TrainingRecipe(500, 16, 1, 1e-3, 25, 0.05, 0.01, 1.0, 128, 0.0, 8, 1));
      case PERENNIAL_TINY_DEEP:
        return new PretrainSettings(
            modelName,
            LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 128, 352, 6, 4, 2, 512, true)
                .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS),
            World.STANDARD_SEED,
            WorldSize.standard(),
            2,
            4321,
            null,
            new TrainingRecipe(2000, 16, 1, 2e-3, 100, 0.05, 0.01, 1.0, 128, 0.0, 9, 1));
      default:
        throw new IllegalStateException(name());
    }
  }

  /**
   * The folder of the base at a location as {@code bases.v1} gives it: a bundled base's ({@code
   * bundled:<name>}, extracted on first use), otherwise the location itself.
   */
  public static Path folderAt(String location) {
    return location.startsWith(LOCATION_PREFIX) ? parse(location).folder() : Path.of(location);
  }

  /**
   * The base at a location as {@code bases.v1} gives it: a bundled base under its own name,
   * otherwise the model folder opened under {@code name}.
   */
  public static BaseModel openAt(String location, String name) {
    return location.startsWith(LOCATION_PREFIX)
        ? parse(location).open()
        : BaseModel.open(Path.of(location), name);
  }

  /** The bundled model, extracted once per process to a temporary folder. */
  public BaseModel open() {
    return BaseModel.open(folder(), modelName);
  }

  /** The folder holding the bundled files (extracted on first use). */
  public synchronized Path folder() {
    if (extracted == null) {
      try {
        Path folder = Files.createTempDirectory(modelName + "-");
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
        throw new UncheckedIOException("cannot extract the bundled " + modelName, e);
      }
    }
    return extracted;
  }

  /** The digest recorded when the bundled weights were made. */
  public String digest() {
    return record().path("digest").asText();
  }

  /** The pretraining record ({@value Pretrainer#RECORD}). */
  public JsonNode record() {
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
  public List<JsonNode> generalEvaluationSet() {
    return jsonLines(Pretrainer.GENERAL_EVALUATION);
  }

  /** The general replay texts shipped with the model. */
  public List<String> generalReplaySet() {
    return jsonLines(Pretrainer.GENERAL_REPLAY).stream().map(n -> n.get("text").asText()).toList();
  }

  private List<JsonNode> jsonLines(String file) {
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

  private InputStream resource(String file) {
    InputStream in = BundledBase.class.getResourceAsStream(resources + file);
    if (in == null) {
      throw new ModelException(
          "the bundled "
              + modelName
              + " lacks "
              + file
              + " (run `perennial pretrain --base "
              + modelName
              + "` to make it)");
    }
    return in;
  }
}
