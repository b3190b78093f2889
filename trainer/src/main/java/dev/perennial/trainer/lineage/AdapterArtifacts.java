package dev.perennial.trainer.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.trainer.TrainerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How an adapter folder lives in the content-addressed artifact store: every file is a blob of its
 * own, and a small <em>folder index</em> blob lists them:
 *
 * <pre>
 * {@code {"files":{"adapter_config.json":"sha256:<hex>","adapter_model.safetensors":"sha256:<hex>"}}}
 * </pre>
 *
 * (UTF-8 JSON, names sorted, a newline at the end). An adapter's <em>location</em> is {@code
 * sha256:<hex>} of its folder index; a candidate's {@code location} is that, and its {@code
 * fileDigests} list the same files (hex, no prefix), so a reader can use either. A location that is
 * not {@code sha256:...} is read as a folder path (absolute, or relative to the artifact store's
 * root) holding the files themselves.
 */
public final class AdapterArtifacts {

  public static final String FILES = "files";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private AdapterArtifacts() {}

  /**
   * A stored adapter folder.
   *
   * @param location {@code sha256:<hex>} of the folder index
   * @param fileDigests file name to digest (hex)
   */
  public record StoredFolder(String location, SortedMap<String, String> fileDigests) {}

  /** Stores every regular file of {@code folder} and its folder index. */
  public static StoredFolder store(ArtifactStore store, Path folder) {
    SortedMap<String, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        digests.put(file.getFileName().toString(), store.putFile(file).hex());
      }
    } catch (IOException e) {
      throw new TrainerException("Cannot list adapter folder " + folder + ": " + e, e);
    }
    if (digests.isEmpty()) {
      throw new TrainerException("Adapter folder " + folder + " holds no files");
    }
    Digest index = store.put(indexJson(digests).getBytes(StandardCharsets.UTF_8));
    return new StoredFolder(index.toString(), digests);
  }

  /** The folder index text of the given files. */
  public static String indexJson(Map<String, String> fileDigests) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode files = root.putObject(FILES);
    new TreeMap<>(fileDigests)
        .forEach((name, hex) -> files.put(name, Digest.parse(hex).toString()));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new TrainerException("Cannot write a folder index", e);
    }
  }

  /**
   * Copies the adapter at {@code location} into {@code target} (created), every file checked
   * against its digest.
   *
   * @param storeRoot the folder relative locations are resolved against
   */
  public static Path materialize(
      ArtifactStore store, Path storeRoot, String location, Path target) {
    try {
      Files.createDirectories(target);
      if (location.startsWith(Digest.PREFIX)) {
        for (Map.Entry<String, String> file : files(store, location).entrySet()) {
          store.copyTo(Digest.parse(file.getValue()), target.resolve(safeName(file.getKey())));
        }
        return target;
      }
      Path folder = storeRoot.resolve(location);
      if (!Files.isDirectory(folder)) {
        throw new TrainerException(
            "Adapter location " + location + " is no folder (" + folder + ")");
      }
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Files.copy(
              file,
              target.resolve(file.getFileName().toString()),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return target;
    } catch (IOException e) {
      throw new TrainerException("Cannot copy adapter " + location + " to " + target + ": " + e, e);
    }
  }

  /** The files a folder index at {@code location} lists: name to digest. */
  public static SortedMap<String, String> files(ArtifactStore store, String location) {
    JsonNode files;
    try {
      files = JSON.readTree(store.read(Digest.parse(location))).get(FILES);
    } catch (IOException | IllegalArgumentException e) {
      throw new TrainerException("Adapter location " + location + " is not a folder index", e);
    }
    if (files == null || !files.isObject()) {
      throw new TrainerException("Adapter location " + location + " is not a folder index");
    }
    SortedMap<String, String> digests = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : files.properties()) {
      digests.put(field.getKey(), Digest.parse(field.getValue().asText()).hex());
    }
    return digests;
  }

  private static String safeName(String name) {
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new TrainerException("Adapter file name " + name + " is not a plain file name");
    }
    return name;
  }
}
