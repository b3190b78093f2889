package dev.perennial.evaluator.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.CorruptArtifactException;
import dev.perennial.evaluator.UnusableCandidateException;
import dev.perennial.evaluator.gate.GateNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Copies an adapter folder out of the artifact store (trainer/README.md, "Candidate adapters in the
 * store"): a location {@code sha256:<hex>} is a folder index blob {@code {"files": {name:
 * "sha256:..."}}} listing a blob per file; any other location is a folder, absolute or relative to
 * the store's root. Every file is checked against its digest on the way.
 */
final class AdapterFolders {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AdapterFolders() {}

  /**
   * Copies the adapter at {@code location} into {@code target}.
   *
   * @param expectedDigests the file digests (hex) the candidate lists, which the folder index must
   *     match; null for a release, which lists none here
   * @throws UnusableCandidateException (gate {@value GateNames#INTEGRITY}) when the files are
   *     missing, corrupt or not the ones the candidate names
   */
  static Path materialize(
      ArtifactStore store,
      Path storeRoot,
      String location,
      Map<String, String> expectedDigests,
      Path target) {
    try {
      Files.createDirectories(target);
      if (location.startsWith(Digest.PREFIX)) {
        SortedMap<String, String> files = index(store, location);
        if (expectedDigests != null && !files.equals(new TreeMap<>(expectedDigests))) {
          throw new UnusableCandidateException(
              GateNames.INTEGRITY,
              "Adapter folder index "
                  + location
                  + " lists "
                  + files
                  + ", but the candidate names "
                  + new TreeMap<>(expectedDigests));
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
          store.copyTo(Digest.parse(file.getValue()), target.resolve(safeName(file.getKey())));
        }
        return target;
      }
      Path folder = storeRoot.resolve(location);
      if (!Files.isDirectory(folder)) {
        throw new UnusableCandidateException(
            GateNames.INTEGRITY, "Adapter location " + location + " is no folder (" + folder + ")");
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
    } catch (ArtifactNotFoundException | CorruptArtifactException e) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, "Adapter " + location + " is not intact: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new dev.perennial.evaluator.EvaluatorException(
          "Cannot copy adapter " + location + " to " + target + ": " + e, e);
    }
  }

  /** The files a folder index lists: name to digest (hex). */
  static SortedMap<String, String> index(ArtifactStore store, String location) {
    JsonNode files;
    try {
      files = JSON.readTree(store.read(Digest.parse(location))).get("files");
    } catch (IOException | IllegalArgumentException e) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, "Adapter location " + location + " is not a folder index", e);
    }
    if (files == null || !files.isObject() || files.isEmpty()) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, "Adapter location " + location + " is not a folder index");
    }
    SortedMap<String, String> digests = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : files.properties()) {
      try {
        digests.put(field.getKey(), Digest.parse(field.getValue().asText()).hex());
      } catch (IllegalArgumentException e) {
        throw new UnusableCandidateException(
            GateNames.INTEGRITY,
            "Folder index " + location + " names no digest for " + field.getKey(),
            e);
      }
    }
    return digests;
  }

  private static String safeName(String name) {
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, "Adapter file name " + name + " is not a plain file name");
    }
    return name;
  }
}
