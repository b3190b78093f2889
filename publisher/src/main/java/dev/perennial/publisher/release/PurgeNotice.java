package dev.perennial.publisher.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ManifestException;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code purged.json}: what the publisher deleted from a release folder when it retracted the
 * release because it was trained on erased data, signed like the manifest ({@code purged.sig},
 * base64 Ed25519 of the file's bytes). The manifest and its signature stay; the files named here
 * may be missing from the folder without it failing verification.
 *
 * <pre>{@code
 * {
 *   "format": "perennial.release.purge/v1",
 *   "adapterKey": "acme/support", "version": 1, "purgedAt": "2025-...Z",
 *   "signingKey": "sha256:<hex>",
 *   "reason": "retracted: trained on erased data",
 *   "retraction": "trained on data erased by request <id>; replaced by v2",
 *   "files": {"adapter_model.safetensors": "sha256:..."}
 * }
 * }</pre>
 *
 * <p>{@code retraction} is the reason of the release's RETRACTED record on {@code releases.v1}: the
 * erasure request and what became of the retrain (replaced by a version, retracted at once, or
 * after the max wait). It keeps in the release area what the compacted topic keeps only until the
 * key's next record. It is absent when the purge was finished at a start after a crash (the record
 * is not at hand then), and in notices written before it was recorded.
 */
public final class PurgeNotice {

  public static final String FILE_NAME = "purged.json";
  public static final String SIGNATURE_FILE_NAME = "purged.sig";
  public static final String FORMAT = "perennial.release.purge/v1";
  public static final String REASON = "retracted: trained on erased data";

  private final byte[] bytes;
  private final AdapterKey adapterKey;
  private final int version;
  private final String signingKey;
  private final SortedMap<String, Digest> files;
  private final String retraction;

  private PurgeNotice(
      byte[] bytes,
      AdapterKey adapterKey,
      int version,
      String signingKey,
      SortedMap<String, Digest> files,
      String retraction) {
    this.bytes = bytes;
    this.adapterKey = adapterKey;
    this.version = version;
    this.signingKey = signingKey;
    this.files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    this.retraction = retraction;
  }

  /** The notice for deleting {@code files} (name to digest, as the manifest lists them). */
  public static PurgeNotice of(
      AdapterKey key, int version, Map<String, Digest> files, String signingKey, Instant at) {
    return of(key, version, files, signingKey, at, null);
  }

  /**
   * The notice for deleting {@code files}, with the reason of the release's RETRACTED record
   * ({@code retraction}; null when it is not at hand).
   */
  public static PurgeNotice of(
      AdapterKey key,
      int version,
      Map<String, Digest> files,
      String signingKey,
      Instant at,
      String retraction) {
    ObjectNode tree = Json.MAPPER.createObjectNode();
    tree.put("format", FORMAT);
    tree.put("adapterKey", key.toString());
    tree.put("version", version);
    tree.put("purgedAt", at.toString());
    tree.put("signingKey", signingKey);
    tree.put("reason", REASON);
    if (retraction != null) {
      tree.put("retraction", retraction);
    }
    ObjectNode named = tree.putObject("files");
    new TreeMap<>(files).forEach((name, digest) -> named.put(name, digest.toString()));
    return new PurgeNotice(
        Json.bytes(tree), key, version, signingKey, new TreeMap<>(files), retraction);
  }

  /**
   * The folder's notice, if it has one.
   *
   * @throws ManifestException when there is one that cannot be read
   */
  public static Optional<PurgeNotice> read(Path folder) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(folder.resolve(FILE_NAME));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ManifestException(FILE_NAME + ": cannot be read: " + e.getMessage(), e);
    }
    return Optional.of(parse(bytes));
  }

  /** Whether the folder holds a notice (read or not). */
  public static boolean isPurged(Path folder) {
    return Files.exists(folder.resolve(FILE_NAME));
  }

  static PurgeNotice parse(byte[] bytes) {
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new ManifestException(FILE_NAME + ": not JSON: " + e.getMessage(), e);
    }
    if (tree == null || !FORMAT.equals(tree.path("format").asText(null))) {
      throw new ManifestException(FILE_NAME + ": format is not " + FORMAT);
    }
    AdapterKey key;
    try {
      key = AdapterKey.parse(tree.path("adapterKey").asText(""));
    } catch (RuntimeException e) {
      throw new ManifestException(FILE_NAME + ": adapterKey: " + e.getMessage(), e);
    }
    if (!tree.path("version").canConvertToInt() || !tree.path("files").isObject()) {
      throw new ManifestException(FILE_NAME + ": version or files missing");
    }
    SortedMap<String, Digest> files = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.path("files").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> file = it.next();
      try {
        files.put(file.getKey(), Digest.parse(file.getValue().asText("")));
      } catch (RuntimeException e) {
        throw new ManifestException(FILE_NAME + ": files." + file.getKey() + ": not a digest", e);
      }
    }
    return new PurgeNotice(
        bytes,
        key,
        tree.path("version").asInt(),
        tree.path("signingKey").asText(null),
        files,
        tree.path("retraction").isTextual() ? tree.path("retraction").textValue() : null);
  }

  /** The exact bytes {@code purged.sig} signs. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public AdapterKey adapterKey() {
    return adapterKey;
  }

  public int version() {
    return version;
  }

  /** The id of the key that signed it, as the notice names it (may be null when unreadable). */
  public String signingKey() {
    return signingKey;
  }

  /**
   * Why the release was retracted, as its RETRACTED record said (the erasure request, what became
   * of the retrain); empty when the notice does not record it.
   */
  public Optional<String> retraction() {
    return Optional.ofNullable(retraction);
  }

  /** The files deleted from the folder, name to the digest the manifest lists. */
  public SortedMap<String, Digest> files() {
    return files;
  }
}
