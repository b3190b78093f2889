package dev.perennial.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
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
 * How a folder (an adapter in PEFT's layout, an evaluation report) lives in the content-addressed
 * artifact store: every file is a blob of its own, and a small <em>folder index</em> blob lists
 * them:
 *
 * <pre>
 * {@code {"files":{"adapter_config.json":"sha256:<hex>","adapter_model.safetensors":"sha256:<hex>"}}}
 * </pre>
 *
 * (UTF-8 JSON, names sorted, a newline at the end). The folder's <em>location</em> is {@code
 * sha256:<hex>} of its index: a candidate's {@code location} and a verdict's {@code reportLocation}
 * are such, and a candidate's {@code fileDigests} list the same files (hex, no prefix), so a reader
 * may use either. A location that is not {@code sha256:...} is read as a folder path (absolute, or
 * relative to the artifact store's root) holding the files themselves. The trainer writes adapters
 * and reads its parent release this way, the evaluator reads candidates and writes reports.
 */
public final class FolderIndex {

  public static final String FILES = "files";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private FolderIndex() {}

  /**
   * A stored folder.
   *
   * @param location {@code sha256:<hex>} of the folder index
   * @param fileDigests file name to digest (hex)
   */
  public record StoredFolder(String location, SortedMap<String, String> fileDigests) {}

  /**
   * Stores every regular file of {@code folder} and its index.
   *
   * @throws InvalidFolderIndexException when the folder holds no file
   */
  public static StoredFolder store(ArtifactStore store, Path folder) {
    SortedMap<String, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        digests.put(file.getFileName().toString(), store.putFile(file).hex());
      }
    } catch (IOException e) {
      throw new PerennialException("Cannot list folder " + folder + ": " + e, e);
    }
    if (digests.isEmpty()) {
      throw new InvalidFolderIndexException("Folder " + folder + " holds no files");
    }
    return storeIndex(store, digests);
  }

  /** Stores each file's content (by name) and their index. */
  public static StoredFolder store(ArtifactStore store, Map<String, byte[]> files) {
    SortedMap<String, String> digests = new TreeMap<>();
    files.forEach((name, content) -> digests.put(plainName(name), store.put(content).hex()));
    return storeIndex(store, digests);
  }

  private static StoredFolder storeIndex(ArtifactStore store, SortedMap<String, String> digests) {
    Digest index = store.put(indexJson(digests).getBytes(StandardCharsets.UTF_8));
    return new StoredFolder(index.toString(), digests);
  }

  /** The index text of the given files (name to digest, hex with or without the prefix). */
  public static String indexJson(Map<String, String> fileDigests) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode files = root.putObject(FILES);
    new TreeMap<>(fileDigests)
        .forEach((name, hex) -> files.put(plainName(name), Digest.parse(hex).toString()));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new PerennialException("Cannot write a folder index", e);
    }
  }

  /**
   * The files the index at {@code location} lists: name to digest (hex).
   *
   * @throws InvalidFolderIndexException when the blob is no folder index, lists no file or names a
   *     file that is no plain file name
   * @throws ArtifactNotFoundException when there is no such blob
   * @throws CorruptArtifactException when the blob does not match its digest
   */
  public static SortedMap<String, String> files(ArtifactStore store, String location) {
    JsonNode files;
    try {
      files = JSON.readTree(store.read(Digest.parse(location))).get(FILES);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidFolderIndexException(location + " is not a folder index", e);
    }
    if (files == null || !files.isObject() || files.isEmpty()) {
      throw new InvalidFolderIndexException(location + " is not a folder index");
    }
    SortedMap<String, String> digests = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : files.properties()) {
      try {
        digests.put(plainName(field.getKey()), Digest.parse(field.getValue().asText()).hex());
      } catch (IllegalArgumentException e) {
        throw new InvalidFolderIndexException(
            "Folder index " + location + " names no digest for " + field.getKey(), e);
      }
    }
    return digests;
  }

  /**
   * Copies the folder at {@code location} into {@code target} (created), every file checked against
   * its digest on the way.
   *
   * @param storeRoot the folder relative locations are resolved against
   * @throws InvalidFolderIndexException when the location is neither a folder index nor a folder
   * @throws ArtifactNotFoundException when a blob is missing
   * @throws CorruptArtifactException when a blob does not match its digest
   */
  public static Path materialize(
      ArtifactStore store, Path storeRoot, String location, Path target) {
    try {
      Files.createDirectories(target);
      if (location.startsWith(Digest.PREFIX)) {
        for (Map.Entry<String, String> file : files(store, location).entrySet()) {
          store.copyTo(Digest.parse(file.getValue()), target.resolve(file.getKey()));
        }
        return target;
      }
      Path folder = storeRoot.resolve(location);
      if (!Files.isDirectory(folder)) {
        throw new InvalidFolderIndexException(
            "Location " + location + " is no folder index and no folder (" + folder + ")");
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
      throw new PerennialException("Cannot copy " + location + " to " + target + ": " + e, e);
    }
  }

  /** {@code name}, if it names a file in the folder itself (no path, no hidden file). */
  private static String plainName(String name) {
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new InvalidFolderIndexException("File name " + name + " is not a plain file name");
    }
    return name;
  }
}
