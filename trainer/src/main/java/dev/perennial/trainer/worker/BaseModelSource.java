package dev.perennial.trainer.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.BundledBase;
import dev.perennial.model.tiny.Pretrainer;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base model the worker trains adapters for, with its general replay texts: the bundled
 * perennial-tiny and its replay set, or a configured folder and its {@value
 * Pretrainer#GENERAL_REPLAY} (one JSON object with a {@code text} per line) when it has one.
 */
public record BaseModelSource(BaseModel base, List<String> generalReplay) {

  private static final Logger log = LoggerFactory.getLogger(BaseModelSource.class);

  public static BaseModelSource open(TrainerConfig config) {
    BaseModel base = openBase(config);
    return config.baseModelPath().isEmpty()
        ? new BaseModelSource(base, TinyModel.generalReplaySet())
        : withReplay(base, config.baseModelPath().get());
  }

  /** The configured base alone, without reading its general replay set. */
  public static BaseModel openBase(TrainerConfig config) {
    if (config.baseModelPath().isEmpty()) {
      return TinyModel.open();
    }
    Path folder = config.baseModelPath().get();
    return config
        .baseModelName()
        .map(name -> BaseModel.open(folder, name))
        .orElse(BaseModel.open(folder));
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
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          texts.add(json.readTree(line).path("text").asText());
        }
      }
    } catch (IOException e) {
      throw new TrainerException("Cannot read general replay set " + file + ": " + e, e);
    }
    return texts;
  }
}
