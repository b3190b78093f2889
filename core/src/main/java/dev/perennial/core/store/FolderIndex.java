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
import java.util.Optional;
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
 * (UTF-8 JSON, names sorted, a newline at the end). An index may also say where the folder came
 * from ({@value #ORIGIN}: names to texts, such as the tenant, adapter key and job an adapter was
 * trained for), so that one stored but never named by any record can still be told apart and
 * deleted; readers of the files ignore it. The folder's <em>location</em> is {@code sha256:<hex>}
 * of its index: a candidate's {@code location} and a verdict's {@code reportLocation} are such, and
 * a candidate's {@code fileDigests} list the same files (hex, no prefix), so a reader may use
 * either. A location that is not {@code sha256:...} is read as a folder path (absolute, or relative
 * to the artifact store's root) holding the files themselves; the folder and each file must be
 * inside that root once {@code ..} and links are resolved, or the location is refused. The trainer
 * writes adapters and reads its parent release this way, the evaluator reads candidates and writes
 * reports.
 */
public final class FolderIndex {

  public static final String FILES = "files";

  /** The index's field that says where the folder came from (absent: nothing said). */
  public static final String ORIGIN = "origin";

  /**
   * What a worker's adapter says under {@value #ORIGIN}: the tenant, adapter key and job it was
   * trained for. The trainer writes and sweeps by them; the evaluator refuses a candidate whose
   * adapter was stored for another key.
   */
  public static final String ORIGIN_TENANT = "tenant";

  public static final String ORIGIN_ADAPTER_KEY = "adapterKey";
  public static final String ORIGIN_JOB_ID = "jobId";

  /**
   * The largest blob {@link #readIndex} takes for a folder index: an index lists a few files, and a
   * larger blob (a shard, a weights file) is not read to find out.
   */
  public static final long MAX_INDEX_BYTES = 64 * 1024;

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

  /**
   * Stores every regular file of {@code folder} with an index that names {@code origin} (see {@link
   * #ORIGIN}), the index <em>first</em>: a writer that dies part way leaves no file that its index
   * does not name, so whoever knows the folder was never used can find and delete all of it.
   *
   * @throws InvalidFolderIndexException when the folder holds no file
   */
  public static StoredFolder store(
      ArtifactStore store, Path folder, SortedMap<String, String> origin) {
    SortedMap<String, Path> files = new TreeMap<>();
    try (Stream<Path> listed = Files.list(folder)) {
      listed
          .filter(Files::isRegularFile)
          .forEach(f -> files.put(plainName(f.getFileName().toString()), f));
    } catch (IOException e) {
      throw new PerennialException("Cannot list folder " + folder + ": " + e, e);
    }
    if (files.isEmpty()) {
      throw new InvalidFolderIndexException("Folder " + folder + " holds no files");
    }
    SortedMap<String, String> digests = new TreeMap<>();
    files.forEach((name, file) -> digests.put(name, Digest.of(file).hex()));
    Digest index = store.put(indexJson(digests, origin).getBytes(StandardCharsets.UTF_8));
    files.forEach(
        (name, file) -> {
          Digest stored = store.putFile(file);
          if (!stored.hex().equals(digests.get(name))) {
            throw new PerennialException(
                "File "
                    + file
                    + " changed while it was stored: "
                    + stored
                    + ", indexed as sha256:"
                    + digests.get(name));
          }
        });
    return new StoredFolder(index.toString(), digests);
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
    return indexJson(fileDigests, Map.of());
  }

  /** The index text of the given files and, when not empty, their {@link #ORIGIN}. */
  public static String indexJson(Map<String, String> fileDigests, Map<String, String> origin) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode files = root.putObject(FILES);
    new TreeMap<>(fileDigests)
        .forEach((name, hex) -> files.put(plainName(name), Digest.parse(hex).toString()));
    if (!origin.isEmpty()) {
      ObjectNode said = root.putObject(ORIGIN);
      new TreeMap<>(origin).forEach(said::put);
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new PerennialException("Cannot write a folder index", e);
    }
  }

  /**
   * The files the index at {@code location} lists: name to digest (hex).
   *
   * @throws InvalidFolderIndexException when the blob is no folder index (or is larger than {@link
   *     #MAX_INDEX_BYTES}, which is not read to find out), lists no file or names a file that is no
   *     plain file name
   * @throws ArtifactNotFoundException when there is no such blob
   * @throws CorruptArtifactException when the blob does not match its digest
   */
  public static SortedMap<String, String> files(ArtifactStore store, String location) {
    JsonNode files;
    try {
      Digest digest = Digest.parse(location);
      long size = store.size(digest);
      if (size > MAX_INDEX_BYTES) {
        throw new InvalidFolderIndexException(
            location
                + " is not a folder index: "
                + size
                + " bytes, larger than "
                + MAX_INDEX_BYTES);
      }
      files = JSON.readTree(store.read(digest)).get(FILES);
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
   * A folder index read back: its files (name to digest, hex) and its {@link #ORIGIN} (empty when
   * it says none).
   */
  public record Index(SortedMap<String, String> files, SortedMap<String, String> origin) {}

  /**
   * The blob as a folder index, or empty when it is none (larger than {@link #MAX_INDEX_BYTES}, not
   * such JSON) or is gone. Reads the blob only when it is small enough to be one.
   *
   * @throws CorruptArtifactException when the blob does not match its digest
   */
  public static Optional<Index> readIndex(ArtifactStore store, Digest digest) {
    JsonNode root;
    try {
      if (store.size(digest) > MAX_INDEX_BYTES) {
        return Optional.empty();
      }
      root = JSON.readTree(store.read(digest));
    } catch (ArtifactNotFoundException | IOException e) {
      return Optional.empty();
    }
    if (root == null || !root.isObject()) {
      return Optional.empty();
    }
    JsonNode files = root.get(FILES);
    if (files == null || !files.isObject() || files.isEmpty()) {
      return Optional.empty();
    }
    SortedMap<String, String> digests = new TreeMap<>();
    SortedMap<String, String> origin = new TreeMap<>();
    try {
      for (Map.Entry<String, JsonNode> field : files.properties()) {
        digests.put(plainName(field.getKey()), Digest.parse(field.getValue().asText()).hex());
      }
    } catch (IllegalArgumentException | InvalidFolderIndexException e) {
      return Optional.empty(); // names no digest, or a file that is no plain file name
    }
    JsonNode said = root.get(ORIGIN);
    if (said != null && said.isObject()) {
      said.properties().forEach(field -> origin.put(field.getKey(), field.getValue().asText()));
    }
    return Optional.of(new Index(digests, origin));
  }

  /**
   * Copies the folder at {@code location} into {@code target} (created), every file checked against
   * its digest on the way.
   *
   * @param storeRoot the folder relative locations are resolved against
   * @throws InvalidFolderIndexException when the location is neither a folder index nor a folder,
   *     or is a folder (or holds a file) outside {@code storeRoot} once {@code ..} and links are
   *     resolved
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
      Path root = storeRoot.toRealPath();
      requireInside(root, folder, location);
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          requireInside(root, file, location);
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

  /**
   * Refuses a folder or file of a folder-path location that is, once {@code ..} and links are
   * resolved, not inside the store's root: locations come in records on topics, and one naming
   * {@code /etc} or {@code ../../home/x} would have the reader copy whatever it may read.
   */
  private static void requireInside(Path root, Path path, String location) throws IOException {
    if (!path.toRealPath().startsWith(root)) {
      throw new InvalidFolderIndexException(
          "Location "
              + location
              + " is no folder index, and "
              + path
              + " is outside the artifact store ("
              + root
              + ")");
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
