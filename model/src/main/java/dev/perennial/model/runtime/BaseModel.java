package dev.perennial.model.runtime;

import dev.perennial.model.checkpoint.Digests;
import dev.perennial.model.checkpoint.HfCheckpoint;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.tokenizer.TextTokenizer;
import dev.perennial.model.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A base model on disk: a Hugging Face folder (config, weights, tokenizer) with a name and the
 * digest adapters record. Opening reads headers only; {@link LanguageModel} loads the weights.
 */
public final class BaseModel {

  /**
   * How the tokenizer files a digest records compare with those a base has now ({@link
   * #tokenizerMatch(String)}).
   */
  public enum TokenizerMatch {
    /** The same tokenizer files. */
    SAME,
    /**
     * A digest recorded before {@value Tokenizers#GENERATION_CONFIG} was part of it: every other
     * tokenizer file is the same; that file cannot be checked.
     */
    SAME_BEFORE_GENERATION_CONFIG,
    /** Other tokenizer files. */
    OTHER
  }

  private final String name;
  private final HfCheckpoint checkpoint;
  private final TextTokenizer tokenizer;
  private String tokenizerDigest;
  private Optional<String> tokenizerDigestWithoutGenerationConfig;

  private BaseModel(String name, HfCheckpoint checkpoint, TextTokenizer tokenizer) {
    this.name = name;
    this.checkpoint = checkpoint;
    this.tokenizer = tokenizer;
  }

  /** Opens a model folder, named after the folder. */
  public static BaseModel open(Path folder) {
    return open(folder, folder.toAbsolutePath().normalize().getFileName().toString());
  }

  /**
   * Opens a model folder under the given name (what adapters record as base_model_name_or_path).
   */
  public static BaseModel open(Path folder, String name) {
    HfCheckpoint checkpoint = HfCheckpoint.open(folder);
    return new BaseModel(name, checkpoint, Tokenizers.forFolder(folder, checkpoint.config()));
  }

  public String name() {
    return name;
  }

  public HfCheckpoint checkpoint() {
    return checkpoint;
  }

  public LlamaConfig config() {
    return checkpoint.config();
  }

  /** {@code sha256:...} over config and weight files, see {@link HfCheckpoint}. */
  public String digest() {
    return checkpoint.digest();
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * {@code sha256:...} over the tokenizer files the folder has ({@value
   * Tokenizers#BYTE_DESCRIPTION}, {@code tokenizer.json}, {@code tokenizer_config.json}, {@code
   * special_tokens_map.json}, {@code chat_template.jinja}, {@code generation_config.json}): two
   * bases with equal digests read text into the same tokens.
   */
  public synchronized String tokenizerDigest() {
    digestTokenizerFiles();
    return tokenizerDigest;
  }

  /**
   * The tokenizer digest as it was computed before {@value Tokenizers#GENERATION_CONFIG} was part
   * of it, when the folder has that file (otherwise the two are the same, and this is empty). A
   * digest recorded then that equals this one says that every other tokenizer file is the same and
   * nothing about {@value Tokenizers#GENERATION_CONFIG}.
   */
  public synchronized Optional<String> tokenizerDigestWithoutGenerationConfig() {
    digestTokenizerFiles();
    return tokenizerDigestWithoutGenerationConfig;
  }

  /**
   * How the tokenizer files a recorded digest ({@code sha256:<hex>} or bare hex, either case) was
   * made from compare with this base's: the same, the same but for {@value
   * Tokenizers#GENERATION_CONFIG} when it was recorded before that file was part of the digest
   * ({@link #tokenizerDigestWithoutGenerationConfig()}), or other files.
   *
   * @param recordedDigest a digest a recipe or release recorded; a caller decides what a digest
   *     that was never recorded means
   */
  public TokenizerMatch tokenizerMatch(String recordedDigest) {
    Objects.requireNonNull(recordedDigest, "recordedDigest");
    String recorded = Digests.normalized(recordedDigest);
    if (recorded.equals(Digests.normalized(tokenizerDigest()))) {
      return TokenizerMatch.SAME;
    }
    Optional<String> earlier = tokenizerDigestWithoutGenerationConfig();
    if (earlier.isPresent() && recorded.equals(Digests.normalized(earlier.get()))) {
      return TokenizerMatch.SAME_BEFORE_GENERATION_CONFIG;
    }
    return TokenizerMatch.OTHER;
  }

  /**
   * Both tokenizer digests, once and from the same reading of the folder: the worker compares a
   * release with them before every job, and the files can be megabytes.
   */
  private void digestTokenizerFiles() {
    if (tokenizerDigest != null) {
      return;
    }
    List<String> present = presentTokenizerFiles();
    tokenizerDigest = Digests.ofFiles(checkpoint.folder(), present);
    tokenizerDigestWithoutGenerationConfig =
        present.remove(Tokenizers.GENERATION_CONFIG)
            ? Optional.of(Digests.ofFiles(checkpoint.folder(), present))
            : Optional.empty();
  }

  private List<String> presentTokenizerFiles() {
    List<String> present = new ArrayList<>();
    for (String file : Tokenizers.FILES) {
      if (Files.isRegularFile(checkpoint.folder().resolve(file))) {
        present.add(file);
      }
    }
    return present;
  }

  @Override
  public String toString() {
    return name + " (" + digest() + ")";
  }
}
