package dev.perennial.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Hugging Face model folder: {@code config.json} plus weights in {@code model.safetensors} or
 * shards listed by {@code model.safetensors.index.json}.
 *
 * <p>Its digest is {@link Digests#ofFiles} over {@code config.json} and the weight files (index
 * first, then shards by name): {@code cd folder && sha256sum config.json model.safetensors |
 * sha256sum} reproduces it for a single-file checkpoint.
 */
public final class HfCheckpoint {

  public static final String CONFIG = "config.json";

  /**
   * The configuration problem, naming {@code key} and the path, when {@code folder} holds no
   * Hugging Face model (no {@value #CONFIG}); empty when it does. For the settings that name a base
   * model folder (the trainer's and the evaluator's).
   */
  public static Optional<String> modelFolderProblem(String key, Path folder) {
    if (Files.isRegularFile(folder.resolve(CONFIG))) {
      return Optional.empty();
    }
    return Optional.of(
        key
            + ": "
            + folder.toAbsolutePath()
            + " holds no model (no "
            + CONFIG
            + "); give a Hugging Face model folder, or leave it empty for the bundled base");
  }

  public static final String WEIGHTS = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private final Path folder;
  private final LlamaConfig config;
  private final Map<String, SafetensorsFile> tensorFiles;
  private final List<String> digestedFiles;
  private String digest;

  private HfCheckpoint(
      Path folder,
      LlamaConfig config,
      Map<String, SafetensorsFile> tensorFiles,
      List<String> digestedFiles) {
    this.folder = folder;
    this.config = config;
    this.tensorFiles = tensorFiles;
    this.digestedFiles = digestedFiles;
  }

  /** Opens a folder; a missing config or weights file is an error naming the folder. */
  public static HfCheckpoint open(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new ModelException("model folder " + folder + " does not exist");
    }
    Path configFile = folder.resolve(CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new ModelException("model folder " + folder + " has no " + CONFIG);
    }
    LlamaConfig config = LlamaConfig.read(configFile);
    List<String> digested = new ArrayList<>(List.of(CONFIG));
    Map<String, SafetensorsFile> tensorFiles = new HashMap<>();
    if (Files.isRegularFile(folder.resolve(WEIGHTS))) {
      SafetensorsFile file = SafetensorsFile.open(folder.resolve(WEIGHTS));
      file.names().forEach(name -> tensorFiles.put(name, file));
      digested.add(WEIGHTS);
    } else if (Files.isRegularFile(folder.resolve(INDEX))) {
      Map<String, String> weightMap = readIndex(folder.resolve(INDEX));
      Map<String, SafetensorsFile> shards = new HashMap<>();
      for (String shard : new TreeSet<>(weightMap.values())) {
        Path shardFile = folder.resolve(shard);
        if (!Files.isRegularFile(shardFile)) {
          throw new ModelException(
              INDEX + " in " + folder + " names shard " + shard + ", which is missing");
        }
        shards.put(shard, SafetensorsFile.open(shardFile));
      }
      for (Map.Entry<String, String> entry : weightMap.entrySet()) {
        SafetensorsFile shard = shards.get(entry.getValue());
        if (!shard.contains(entry.getKey())) {
          throw new ModelException(
              "tensor "
                  + entry.getKey()
                  + " is listed in "
                  + INDEX
                  + " under "
                  + entry.getValue()
                  + " but that shard lacks it");
        }
        tensorFiles.put(entry.getKey(), shard);
      }
      digested.add(INDEX);
      digested.addAll(new TreeSet<>(weightMap.values()));
    } else {
      throw new ModelException(
          "model folder " + folder + " has neither " + WEIGHTS + " nor " + INDEX);
    }
    return new HfCheckpoint(folder, config, Collections.unmodifiableMap(tensorFiles), digested);
  }

  private static Map<String, String> readIndex(Path index) {
    try {
      JsonNode json = new ObjectMapper().readTree(Files.readString(index));
      JsonNode weightMap = json.get("weight_map");
      if (weightMap == null || !weightMap.isObject()) {
        throw new ModelException(index + " has no weight_map object");
      }
      Map<String, String> map = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        map.put(entry.getKey(), entry.getValue().asText());
      }
      return map;
    } catch (IOException e) {
      throw new ModelException("cannot read " + index + ": " + e.getMessage(), e);
    }
  }

  public Path folder() {
    return folder;
  }

  public LlamaConfig config() {
    return config;
  }

  /** Every tensor name in the checkpoint. */
  public Set<String> tensorNames() {
    return tensorFiles.keySet();
  }

  public boolean contains(String name) {
    return tensorFiles.containsKey(name);
  }

  /** The header entry (dtype, shape) of a tensor. */
  public SafetensorsFile.Entry entry(String name) {
    SafetensorsFile file = tensorFiles.get(name);
    if (file == null) {
      throw new ModelException("checkpoint " + folder + " lacks tensor " + name);
    }
    return file.entry(name);
  }

  /** Reads a tensor as float32. */
  public HostTensor read(String name) {
    SafetensorsFile file = tensorFiles.get(name);
    if (file == null) {
      throw new ModelException("checkpoint " + folder + " lacks tensor " + name);
    }
    return file.read(name);
  }

  /**
   * Streams a tensor into an engine-owned float32 array (see {@link SafetensorsFile#toArray}): no
   * Java copy of it is made.
   */
  public NDArray toArray(String name, NDManager manager) {
    SafetensorsFile file = tensorFiles.get(name);
    if (file == null) {
      throw new ModelException("checkpoint " + folder + " lacks tensor " + name);
    }
    return file.toArray(name, manager);
  }

  /** {@code sha256:<hex>} over config and weight files (computed once). */
  public synchronized String digest() {
    if (digest == null) {
      digest = Digests.ofFiles(folder, digestedFiles);
    }
    return digest;
  }
}
