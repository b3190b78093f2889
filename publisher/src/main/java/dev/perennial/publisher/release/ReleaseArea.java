package dev.perennial.publisher.release;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.Ed25519Keys;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.manifest.ManifestException;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release area: a folder serving stacks mount, written by the publisher alone.
 *
 * <pre>
 * &lt;root&gt;/
 *   public-key.pem                      the current signing key's public key (X.509 PEM)
 *   keys/&lt;hex&gt;.pem                      every public key that ever signed here, by key id
 *   .retractions/&lt;hex&gt;.json            retractions that wait for a retrained release
 *                                       ({@link dev.perennial.publisher.retract.RetractionSchedule})
 *   .retractions/given-up/&lt;hex&gt;.json   ERASURE jobs the worker gave up before they were read
 *   &lt;tenant&gt;/&lt;adapter&gt;/v&lt;N&gt;/
 *     adapter_config.json               PEFT files, copied from the artifact store, digests checked
 *     adapter_model.safetensors
 *     manifest.json                     lineage, evaluation, digest of every file
 *     manifest.sig                      base64 Ed25519 signature of manifest.json's bytes
 *     purged.json, purged.sig           only once purged ({@link #purge}): what was deleted, signed
 * </pre>
 *
 * <p>A release folder is written under a staging name next to its final place, every file forced to
 * disk, then renamed atomically: a crash leaves the whole folder or none (a staging leftover is
 * removed by the next {@link #scan(boolean)} that may clean up). A folder that exists is never
 * replaced. A file written into a release folder later (the purge notice) is staged the same way
 * beside the folder, never inside it: a crash leaves nothing in a signed folder that {@code
 * releases verify} would rightly call tampering.
 */
public final class ReleaseArea {

  private static final Logger log = LoggerFactory.getLogger(ReleaseArea.class);

  public static final String PUBLIC_KEY_FILE = "public-key.pem";
  public static final String KEYS_FOLDER = "keys";
  private static final String STAGING_PREFIX = ".staging-";

  /**
   * A temp file that purges before this one staged inside the release folder itself ({@code
   * .purged.json.<uuid>}, {@code .purged.sig.<uuid>}) and that a crash left there.
   */
  private static final Pattern PURGE_LEFTOVER =
      Pattern.compile(
          "^\\.("
              + Pattern.quote(PurgeNotice.FILE_NAME)
              + "|"
              + Pattern.quote(PurgeNotice.SIGNATURE_FILE_NAME)
              + ")\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  private static final Pattern VERSION_FOLDER = Pattern.compile("^v([1-9][0-9]{0,8})$");
  private static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$");

  private final Path root;

  /** Opens the area at {@code root}, creating the folder if needed. */
  public ReleaseArea(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new PublisherException("Cannot create the release area " + this.root + ": " + e, e);
    }
  }

  /** Opens an existing area without creating anything (for read-only commands). */
  public static ReleaseArea existing(Path root) {
    if (!Files.isDirectory(root)) {
      throw new PublisherException("No release area at " + root.toAbsolutePath());
    }
    return new ReleaseArea(root);
  }

  public Path root() {
    return root;
  }

  /** {@code <tenant>/<adapter>/v<N>}: where a release lies, relative to the area's root. */
  public static String relativePath(AdapterKey key, int version) {
    return key.tenant() + "/" + key.adapter() + "/v" + version;
  }

  public Path folder(AdapterKey key, int version) {
    return root.resolve(relativePath(key, version));
  }

  /** Whether {@code name} may be the name of a file in a release folder. */
  public static boolean isValidFileName(String name) {
    return name != null
        && FILE_NAME.matcher(name).matches()
        && !name.equals(ReleaseManifest.FILE_NAME)
        && !name.equals(ReleaseManifest.SIGNATURE_FILE_NAME)
        && !name.equals(PurgeNotice.FILE_NAME)
        && !name.equals(PurgeNotice.SIGNATURE_FILE_NAME);
  }

  /**
   * Publishes the public key: {@code keys/<hex>.pem} (kept forever, so older releases stay
   * verifiable after a key change) and {@code public-key.pem} (the current key).
   */
  public void publishKey(SigningKey key) {
    String pem = key.publicKeyPem();
    Path byId = keyFile(key.keyId());
    try {
      Files.createDirectories(byId.getParent());
      if (!Files.exists(byId)) {
        writeAtomically(byId, pem.getBytes(StandardCharsets.US_ASCII));
      }
      if (!Files.exists(root.resolve(PUBLIC_KEY_FILE))
          || !Files.readString(root.resolve(PUBLIC_KEY_FILE)).equals(pem)) {
        writeAtomically(root.resolve(PUBLIC_KEY_FILE), pem.getBytes(StandardCharsets.US_ASCII));
        log.info("Published signing key {} at {}", key.keyId(), root.resolve(PUBLIC_KEY_FILE));
      }
    } catch (IOException e) {
      throw new PublisherException("Cannot publish the public key in " + root + ": " + e, e);
    }
  }

  /** A public key published in {@code keys/} by its id ({@code sha256:<hex>}). */
  public Optional<PublicKey> publishedKey(String keyId) {
    Path file;
    try {
      file = keyFile(keyId);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(readPublicKey(file));
  }

  /** The current public key ({@code public-key.pem}). */
  public PublicKey currentKey() {
    return readPublicKey(root.resolve(PUBLIC_KEY_FILE));
  }

  /** The PEM text of the current public key. */
  public String currentKeyPem() {
    try {
      return Files.readString(root.resolve(PUBLIC_KEY_FILE), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new PublisherException("Cannot read the public key of " + root + ": " + e, e);
    }
  }

  public static PublicKey readPublicKey(Path file) {
    try {
      return Ed25519Keys.publicKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      throw new PublisherException("No public key at " + file, e);
    } catch (IOException e) {
      throw new PublisherException("Cannot read the public key " + file + ": " + e, e);
    }
  }

  /**
   * Writes a release folder: each file of the manifest copied from the store (checked against its
   * digest), then the manifest and its signature, then the atomic rename into place.
   *
   * @throws ReleaseExistsException when the version's folder already exists
   */
  public StoredRelease write(ReleaseManifest manifest, ArtifactStore store, SigningKey signer) {
    AdapterKey key = manifest.adapterKey();
    Path target = folder(key, manifest.version());
    requireNoLinks(target);
    if (Files.exists(target)) {
      throw new ReleaseExistsException(target);
    }
    Path parent = target.getParent();
    Path staging =
        parent.resolve(STAGING_PREFIX + "v" + manifest.version() + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(staging);
      for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
        if (!isValidFileName(file.getKey())) {
          throw new PublisherException("Not a release file name: '" + file.getKey() + "'");
        }
        Path copy = staging.resolve(file.getKey());
        store.copyTo(file.getValue(), copy);
        force(copy);
      }
      writeForced(staging.resolve(ReleaseManifest.FILE_NAME), manifest.bytes());
      writeForced(
          staging.resolve(ReleaseManifest.SIGNATURE_FILE_NAME),
          signatureFile(signer, manifest.bytes()));
      force(staging);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        throw new ReleaseExistsException(target);
      }
      // The rename, and a tenant or adapter folder created for it, must survive a crash too.
      force(parent);
      force(parent.getParent());
      force(root);
      return new StoredRelease(key, manifest.version(), target, manifest);
    } catch (AtomicMoveNotSupportedException e) {
      throw new PublisherException(
          "The release area " + root + " cannot rename folders atomically: " + e, e);
    } catch (IOException e) {
      throw new PublisherException("Cannot write release folder " + target + ": " + e, e);
    } finally {
      deleteRecursively(staging);
    }
  }

  /**
   * Purges a retracted release's weights: writes the signed {@link PurgeNotice} (signature first,
   * so a notice is never there without it), then deletes the files it names. The manifest, its
   * signature and the folder stay. Doing it again after a crash finishes what is left.
   *
   * @return the files deleted now
   */
  public List<String> purge(StoredRelease release, PurgeNotice notice, SigningKey signer) {
    Path folder = release.folder();
    requireNoLinks(folder);
    List<String> deleted = new ArrayList<>();
    try {
      if (!Files.isRegularFile(folder.resolve(PurgeNotice.FILE_NAME))) {
        writeIntoRelease(
            folder, PurgeNotice.SIGNATURE_FILE_NAME, signatureFile(signer, notice.bytes()));
        writeIntoRelease(folder, PurgeNotice.FILE_NAME, notice.bytes());
      }
      for (String name : notice.files().keySet()) {
        if (!isValidFileName(name)) {
          throw new PublisherException("Not a release file name: '" + name + "'");
        }
        if (Files.deleteIfExists(folder.resolve(name))) {
          deleted.add(name);
        }
      }
      force(folder);
    } catch (IOException e) {
      throw new PublisherException("Cannot purge release folder " + folder + ": " + e, e);
    }
    return deleted;
  }

  /** The purge notice's signature file's bytes, decoded. */
  public static byte[] readPurgeSignature(Path folder) {
    return readSignatureFile(folder, PurgeNotice.SIGNATURE_FILE_NAME);
  }

  /**
   * Writes, forces and removes a probe file in the area's root: whether the area takes writes at
   * all (a failure of one key's folder is then that key's own).
   *
   * @throws PublisherException when it cannot
   */
  public void probe() {
    Path file = root.resolve(".probe-" + UUID.randomUUID());
    try {
      writeForced(file, new byte[] {1});
    } catch (IOException e) {
      throw new PublisherException("Cannot write to the release area " + root + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("Cannot remove the probe file {}: {}", file, e.toString());
      }
    }
  }

  /** The release folder of a version, if there is one with a readable manifest. */
  public Optional<StoredRelease> read(AdapterKey key, int version) {
    Path folder = folder(key, version);
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    return Optional.of(readFolder(key, version, folder));
  }

  /** The signature file's bytes, decoded. */
  public static byte[] readSignature(Path folder) {
    return readSignatureFile(folder, ReleaseManifest.SIGNATURE_FILE_NAME);
  }

  /** A signature file as the area writes them: base64 of the Ed25519 signature, a line. */
  private static byte[] signatureFile(SigningKey signer, byte[] signed) {
    String signature = Base64.getEncoder().encodeToString(signer.sign(signed)) + "\n";
    return signature.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] readSignatureFile(Path folder, String name) {
    try {
      return Base64.getDecoder()
          .decode(Files.readString(folder.resolve(name), StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException e) {
      throw new PublisherException(name + " is missing", e);
    } catch (CharacterCodingException | IllegalArgumentException e) {
      throw new PublisherException(name + " is not a base64 signature: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new PublisherException(name + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * What {@link #scan} found.
   *
   * @param strays entries that hold no release of a valid key although they lie where releases do
   *     (a folder under a name that is no valid tenant or adapter, a folder among the area's keys,
   *     an entry beside a key's version folders that is none): nothing in them is served or
   *     verified, so a check of the area reports them
   */
  public record Scan(
      SortedMap<AdapterKey, SortedMap<Integer, StoredRelease>> releases,
      SortedMap<AdapterKey, Integer> highestFolder,
      List<String> problems,
      List<String> strays) {}

  /**
   * Every release folder of the area, by key and version. A version folder whose manifest cannot be
   * read is listed under {@code problems} and still counts for {@code highestFolder}, so its number
   * is never given out again.
   *
   * @param cleanUp remove what a crashed write left behind (the writer only): staging folders and
   *     files beside the version folders, and the temp files earlier purges staged inside them
   */
  public Scan scan(boolean cleanUp) {
    SortedMap<AdapterKey, SortedMap<Integer, StoredRelease>> releases = new TreeMap<>();
    SortedMap<AdapterKey, Integer> highest = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    List<String> strays = new ArrayList<>();
    for (Path tenant : children(root)) {
      String tenantName = tenant.getFileName().toString();
      if (tenantName.startsWith(".") || tenantName.equals(PUBLIC_KEY_FILE)) {
        continue;
      }
      if (tenantName.equals(KEYS_FOLDER)) {
        children(tenant).stream()
            .filter(Files::isDirectory)
            .forEach(
                entry ->
                    strays.add(
                        root.relativize(entry)
                            + ": a folder among the area's public keys ('"
                            + KEYS_FOLDER
                            + "' is a reserved name, no tenant)"));
        continue;
      }
      if (!AdapterKey.isValidName(tenantName)) {
        strays.add(tenantName + ": not a valid tenant name (" + AdapterKey.NAME_RULE + ")");
        continue;
      }
      if (!Files.isDirectory(tenant)) {
        strays.add(tenantName + ": a file where a tenant's folder belongs");
        continue;
      }
      for (Path adapter : children(tenant)) {
        String adapterName = adapter.getFileName().toString();
        if (adapterName.startsWith(".")) {
          continue;
        }
        if (!Files.isDirectory(adapter) || !AdapterKey.isValidName(adapterName)) {
          strays.add(
              root.relativize(adapter)
                  + ": not an adapter's folder ("
                  + AdapterKey.NAME_RULE
                  + ")");
          continue;
        }
        AdapterKey key = new AdapterKey(tenantName, adapterName);
        for (Path entry : children(adapter)) {
          String name = entry.getFileName().toString();
          if (name.startsWith(STAGING_PREFIX)) {
            if (cleanUp) {
              log.info("Removing {}, left behind by an interrupted release write", entry);
              deleteRecursively(entry);
            }
            continue;
          }
          if (name.startsWith(".")) {
            continue; // the area's own (no name starts with '.')
          }
          Matcher version = VERSION_FOLDER.matcher(name);
          if (!Files.isDirectory(entry) || !version.matches()) {
            strays.add(
                root.relativize(entry)
                    + ": not a version folder (v<N>, N from 1 without leading zeros) beside "
                    + key
                    + "'s releases");
            continue;
          }
          int number = Integer.parseInt(version.group(1));
          highest.merge(key, number, Math::max);
          if (cleanUp && linkOnPath(entry).isEmpty()) {
            removePurgeLeftovers(entry);
          }
          try {
            releases
                .computeIfAbsent(key, k -> new TreeMap<>())
                .put(number, readFolder(key, number, entry));
          } catch (PublisherException e) {
            problems.add(entry + ": " + e.getMessage());
          }
        }
      }
    }
    return new Scan(releases, highest, problems, strays);
  }

  private StoredRelease readFolder(AdapterKey key, int version, Path folder) {
    Path file = folder.resolve(ReleaseManifest.FILE_NAME);
    ReleaseManifest manifest;
    try {
      manifest = ReleaseManifest.parse(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ManifestException(ReleaseManifest.FILE_NAME + " is missing", e);
    } catch (IOException e) {
      throw new ManifestException("Cannot read " + file + ": " + e, e);
    }
    if (!manifest.adapterKey().equals(key) || manifest.version() != version) {
      throw new ManifestException(
          "manifest.json describes "
              + manifest.adapterKey()
              + " v"
              + manifest.version()
              + ", not "
              + key
              + " v"
              + version);
    }
    return new StoredRelease(key, version, folder, manifest);
  }

  /**
   * Refuses a path under the root reached through a symbolic link (which the publisher never
   * writes): it writes and deletes only inside its area.
   */
  private void requireNoLinks(Path path) {
    linkOnPath(path)
        .ifPresent(
            link -> {
              throw new PublisherException(
                  root.relativize(link)
                      + " is a symbolic link; the publisher writes only inside the release area "
                      + root);
            });
  }

  /** The first symbolic link on the path from {@code path} up to the root, if any. */
  private Optional<Path> linkOnPath(Path path) {
    for (Path at = path;
        at != null && at.startsWith(root) && !at.equals(root);
        at = at.getParent()) {
      if (Files.isSymbolicLink(at)) {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }

  private Path keyFile(String keyId) {
    return root.resolve(KEYS_FOLDER).resolve(Digest.parse(keyId).hex() + ".pem");
  }

  private static List<Path> children(Path folder) {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.sorted(Comparator.comparing(Path::toString)).toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PublisherException("Cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  private static void writeForced(Path file, byte[] content) throws IOException {
    Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    force(file);
  }

  /**
   * Writes {@code name} into a release folder atomically, staged beside the folder (in its
   * adapter's folder, the same file system) under the staging prefix: a crash before the rename
   * leaves the staged file there, where {@link #scan(boolean)} removes it, and nothing in the
   * signed folder.
   */
  private static void writeIntoRelease(Path folder, String name, byte[] content)
      throws IOException {
    Path staged =
        folder.resolveSibling(
            STAGING_PREFIX + folder.getFileName() + "-" + name + "-" + UUID.randomUUID());
    try {
      writeForced(staged, content);
      Files.move(
          staged,
          folder.resolve(name),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      force(folder);
      force(staged.getParent());
    } finally {
      Files.deleteIfExists(staged);
    }
  }

  /**
   * Removes the temp files a purge by an earlier publisher left inside a release folder (one
   * reached through no symbolic link: the publisher deletes only inside its area).
   */
  private static void removePurgeLeftovers(Path folder) {
    for (Path entry : children(folder)) {
      if (PURGE_LEFTOVER.matcher(entry.getFileName().toString()).matches()
          && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
        log.info("Removing {}, left behind by an interrupted purge", entry);
        try {
          Files.deleteIfExists(entry);
        } catch (IOException e) {
          log.warn("Cannot remove {}: {}", entry, e.toString());
        }
      }
    }
  }

  private static void writeAtomically(Path file, byte[] content) throws IOException {
    Path partial = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID());
    try {
      writeForced(partial, content);
      Files.move(
          partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      force(file.getParent());
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Forces a file's content, or a folder's entries (POSIX: fsync the directory), to disk. */
  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteRecursively(Path path) {
    try {
      Folders.deleteRecursively(path);
    } catch (PerennialException e) {
      log.warn("Cannot remove {}: {}", path, e.getMessage());
    }
  }
}
