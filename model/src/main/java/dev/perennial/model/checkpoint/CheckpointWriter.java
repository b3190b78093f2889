package dev.perennial.model.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Writes a model folder in Hugging Face's layout: {@code config.json} plus safetensors weights. */
public final class CheckpointWriter {

  private CheckpointWriter() {}

  /** One {@code model.safetensors}. */
  public static void write(
      Path folder,
      LlamaConfig config,
      Map<String, HostTensor> tensors,
      SafetensorsWriter.Dtype dtype) {
    createFolder(folder);
    config.write(folder.resolve(HfCheckpoint.CONFIG));
    SafetensorsWriter.write(
        folder.resolve(HfCheckpoint.WEIGHTS), tensors, Map.of("format", "pt"), dtype);
  }

  /**
   * Shards named {@code model-0000i-of-0000n.safetensors} plus {@code
   * model.safetensors.index.json}, tensors distributed in name order, at most {@code
   * tensorsPerShard} per shard.
   */
  public static void writeSharded(
      Path folder,
      LlamaConfig config,
      Map<String, HostTensor> tensors,
      SafetensorsWriter.Dtype dtype,
      int tensorsPerShard) {
    createFolder(folder);
    config.write(folder.resolve(HfCheckpoint.CONFIG));
    TreeMap<String, HostTensor> sorted = new TreeMap<>(tensors);
    int shards = (sorted.size() + tensorsPerShard - 1) / tensorsPerShard;
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode index = json.createObjectNode();
    long totalBytes = 0;
    ObjectNode weightMap = json.createObjectNode();
    int shard = 0;
    Map<String, HostTensor> current = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> entry : sorted.entrySet()) {
      current.put(entry.getKey(), entry.getValue());
      totalBytes += entry.getValue().data().length * 4L;
      if (current.size() == tensorsPerShard) {
        shard = flush(folder, current, ++shard, shards, weightMap, dtype);
      }
    }
    if (!current.isEmpty()) {
      flush(folder, current, ++shard, shards, weightMap, dtype);
    }
    index.putObject("metadata").put("total_size", totalBytes);
    index.set("weight_map", weightMap);
    try {
      Files.writeString(folder.resolve(HfCheckpoint.INDEX), json.writeValueAsString(index));
    } catch (IOException e) {
      throw new ModelException("cannot write " + folder.resolve(HfCheckpoint.INDEX), e);
    }
  }

  private static int flush(
      Path folder,
      Map<String, HostTensor> current,
      int shard,
      int shards,
      ObjectNode weightMap,
      SafetensorsWriter.Dtype dtype) {
    String name = String.format("model-%05d-of-%05d.safetensors", shard, shards);
    SafetensorsWriter.write(folder.resolve(name), current, Map.of("format", "pt"), dtype);
    current.keySet().forEach(tensor -> weightMap.put(tensor, name));
    current.clear();
    return shard;
  }

  private static void createFolder(Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new ModelException("cannot create model folder " + folder, e);
    }
  }
}
