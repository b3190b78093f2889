package dev.perennial.trainer.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.crypto.Digest;
import dev.perennial.model.ModelException;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.BundledBase;
import dev.perennial.model.tiny.GeneralReplaySet;
import dev.perennial.model.tiny.Pretrainer;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base model the worker trains adapters for, with its general replay texts: the bundled
 * perennial-tiny and its replay set, or a configured folder and its {@value
 * Pretrainer#GENERAL_REPLAY} (one JSON object with a {@code text} per line) when it has one.
 */
public record BaseModelSource(BaseModel base, List<String> generalReplay) {

  /** The recipe extra that records the digest of the tokenizer files a job read text with. */
  public static final String TOKENIZER_DIGEST = StableRelease.RECIPE_TOKENIZER_DIGEST;

  /** The recipe extra that records the digest of the general replay set a job drew from. */
  public static final String GENERAL_REPLAY_DIGEST = "generalReplayDigest";

  private static final Logger log = LoggerFactory.getLogger(BaseModelSource.class);

  public static BaseModelSource open(TrainerConfig config) {
    BaseModel base = openBase(config);
    return config.baseModelPath().isEmpty()
        ? new BaseModelSource(base, TinyModel.generalReplaySet())
        : withReplay(base, config.baseModelPath().get());
  }

  /**
   * What shapes the weights beside the base's digest (which covers its config and weights only), as
   * a candidate's recipe records it: the digest of its tokenizer files and that of its general
   * replay set.
   */
  public Map<String, String> recordedInputs() {
    return Map.of(
        TOKENIZER_DIGEST, base.tokenizerDigest(), GENERAL_REPLAY_DIGEST, generalReplayDigest());
  }

  /**
   * How this base's inputs differ from those a recipe's extras {@code recorded}, as {@link
   * #differences(Map, Map)} tells it; the tokenizer digest compares as {@link
   * BaseModel#tokenizerMatch(String)} tells it: as a SHA-256 value, and one recorded before {@code
   * generation_config.json} was part of it as it was computed then (every other tokenizer file the
   * same; that file cannot be checked).
   */
  public List<String> differencesFrom(Map<String, String> recorded) {
    Map<String, String> used = new HashMap<>(recordedInputs());
    String was = recorded.get(TOKENIZER_DIGEST);
    if (was != null && base.tokenizerMatch(was) != BaseModel.TokenizerMatch.OTHER) {
      used.put(TOKENIZER_DIGEST, was);
    }
    return differences(recorded, used);
  }

  /**
   * How the base inputs {@code used} differ from those a recipe's extras {@code recorded}: one line
   * each. A recipe recorded before they were recorded differs in nothing.
   */
  public static List<String> differences(Map<String, String> recorded, Map<String, String> used) {
    List<String> differences = new ArrayList<>();
    difference(recorded, used, TOKENIZER_DIGEST, "tokenizer files", differences);
    difference(recorded, used, GENERAL_REPLAY_DIGEST, Pretrainer.GENERAL_REPLAY, differences);
    return differences;
  }

  private static void difference(
      Map<String, String> recorded,
      Map<String, String> used,
      String key,
      String what,
      List<String> differences) {
    String was = recorded.get(key);
    String now = used.get(key);
    if (was != null && !was.equals(now)) {
      differences.add("trained with " + what + " " + was + ", this base has " + now);
    }
  }

  /** {@code sha256:} over the general replay texts in order (as a JSON array). */
  private String generalReplayDigest() {
    try {
      return Digest.of(new ObjectMapper().writeValueAsBytes(generalReplay)).toString();
    } catch (JsonProcessingException e) {
      throw new TrainerException("Cannot digest the general replay set: " + e, e);
    }
  }

  /**
   * The configured base alone, without reading its general replay set.
   *
   * @throws dev.perennial.core.config.InvalidConfigurationException naming the key when the
   *     configured folder is not there
   */
  public static BaseModel openBase(TrainerConfig config) {
    config.requireFilesExist();
    if (config.baseModelPath().isEmpty()) {
      return TinyModel.open();
    }
    Path folder = config.baseModelPath().get();
    try {
      return config
          .baseModelName()
          .map(name -> BaseModel.open(folder, name))
          .orElseGet(() -> BaseModel.open(folder));
    } catch (ModelException e) {
      // the folder holds config.json (checked above), yet is no model this code opens
      throw new ModelException(TrainerConfig.BASE_MODEL_PATH_CONFIG + ": " + e.getMessage(), e);
    }
  }

  /**
   * The base at a location as {@code bases.v1} gives it: {@code bundled:<name>} for a bundled base,
   * otherwise a model folder (opened under {@code name}).
   */
  public static BaseModelSource at(String location, String name) {
    BaseModel base = BundledBase.openAt(location, name);
    return location.startsWith(BundledBase.LOCATION_PREFIX)
        ? new BaseModelSource(base, BundledBase.parse(location).generalReplaySet())
        : withReplay(base, Path.of(location));
  }

  private static BaseModelSource withReplay(BaseModel base, Path folder) {
    Path replay = folder.resolve(Pretrainer.GENERAL_REPLAY);
    if (!Files.isRegularFile(replay)) {
      log.warn(
          "Base model {} has no {}: replay draws on the tenants' earlier shards alone",
          folder,
          Pretrainer.GENERAL_REPLAY);
      return new BaseModelSource(base, List.of());
    }
    return new BaseModelSource(base, readReplay(replay));
  }

  private static List<String> readReplay(Path file) {
    try {
      return GeneralReplaySet.read(file);
    } catch (ModelException e) {
      throw new TrainerException(e.getMessage(), e);
    }
  }
}
