package dev.perennial.publisher.sign;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.Ed25519Signatures;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Checks a release folder as a serving stack would before loading it: the signature of {@code
 * manifest.json} with the publisher's public key, the digest of every file the manifest lists, and
 * that the folder holds nothing else. A release whose weights were purged (retracted because it was
 * trained on erased data) holds a signed {@link PurgeNotice}, checked like the manifest (same keys,
 * same key and version): the files it names must be gone, and one that is back fails.
 */
public final class ReleaseVerifier {

  private static final String SYMBOLIC_LINK = "a symbolic link, which a release never holds";

  private final Function<String, Optional<PublicKey>> keysById;
  private final PublicKey pinned;

  private ReleaseVerifier(Function<String, Optional<PublicKey>> keysById, PublicKey pinned) {
    this.keysById = keysById;
    this.pinned = pinned;
  }

  /** Checks signatures with the keys the release area publishes, by the id each manifest names. */
  public static ReleaseVerifier withPublishedKeys(ReleaseArea area) {
    return new ReleaseVerifier(area::publishedKey, null);
  }

  /** Checks every signature with this key only (a key obtained out of band). */
  public static ReleaseVerifier withKey(PublicKey key) {
    return new ReleaseVerifier(id -> Optional.of(key), key);
  }

  /**
   * Checks each signature with the pinned key the manifest names by id; a manifest signed by any
   * other key fails, whatever the release area publishes.
   */
  public static ReleaseVerifier withPinnedKeys(Collection<PublicKey> pinned) {
    Map<String, PublicKey> byId = new TreeMap<>();
    pinned.forEach(key -> byId.put(SigningKey.keyIdOf(key), key));
    return new ReleaseVerifier(id -> Optional.ofNullable(byId.get(id)), null);
  }

  /** Verifies the folder of {@code key} version {@code version}. */
  public Verification verify(Path folder, AdapterKey key, int version) {
    List<String> problems = new ArrayList<>();
    // A link resolves where its reader stands: a serving stack's mount may find other bytes there.
    Path path = folder;
    for (String name :
        List.of(ReleaseArea.relativePath(key, version), key.toString(), key.tenant())) {
      if (path != null && Files.isSymbolicLink(path)) {
        return new Verification(folder, List.of(name + ": " + SYMBOLIC_LINK));
      }
      path = path == null ? null : path.getParent();
    }
    Optional<ReleaseManifest> manifest = verifySignedManifest(folder, problems);
    manifest.ifPresent(
        m -> {
          if (!m.adapterKey().equals(key) || m.version() != version) {
            problems.add(
                ReleaseManifest.FILE_NAME
                    + ": describes "
                    + m.adapterKey()
                    + " v"
                    + m.version()
                    + ", but lies in the folder of "
                    + key
                    + " v"
                    + version);
          }
          Set<String> purged = verifyPurgeNotice(folder, m, problems);
          verifyFiles(folder, m, purged, problems);
        });
    return new Verification(folder, problems);
  }

  /**
   * Verifies the manifest the publisher holds for a release (read from its folder earlier, not
   * again): its signature in the folder's {@code manifest.sig}, and that it describes the release.
   * The release's files are not read ({@link #verify} does that).
   */
  public Verification verifyManifest(StoredRelease release) {
    List<String> problems = new ArrayList<>();
    ReleaseManifest manifest = release.manifest();
    if (!manifest.adapterKey().equals(release.key()) || manifest.version() != release.version()) {
      problems.add(
          ReleaseManifest.FILE_NAME
              + ": describes "
              + manifest.adapterKey()
              + " v"
              + manifest.version()
              + ", not "
              + release.key()
              + " v"
              + release.version());
    }
    try {
      verifySignature(
          ReleaseManifest.FILE_NAME,
          ReleaseManifest.SIGNATURE_FILE_NAME,
          "the manifest",
          manifest.bytes(),
          ReleaseArea.readSignature(release.folder()),
          manifest.signingKey(),
          problems);
    } catch (PublisherException e) {
      problems.add(e.getMessage());
    }
    return new Verification(release.folder(), problems);
  }

  private Optional<ReleaseManifest> verifySignedManifest(Path folder, List<String> problems) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(folder.resolve(ReleaseManifest.FILE_NAME));
    } catch (NoSuchFileException e) {
      problems.add(ReleaseManifest.FILE_NAME + ": missing");
      return Optional.empty();
    } catch (IOException e) {
      problems.add(ReleaseManifest.FILE_NAME + ": cannot be read: " + e.getMessage());
      return Optional.empty();
    }
    Optional<ReleaseManifest> manifest;
    try {
      manifest = Optional.of(ReleaseManifest.parse(bytes));
    } catch (PublisherException e) {
      problems.add(ReleaseManifest.FILE_NAME + ": " + e.getMessage());
      manifest = Optional.empty();
    }
    byte[] signature;
    try {
      signature = ReleaseArea.readSignature(folder);
    } catch (PublisherException e) {
      problems.add(e.getMessage());
      return manifest;
    }
    verifySignature(
        ReleaseManifest.FILE_NAME,
        ReleaseManifest.SIGNATURE_FILE_NAME,
        "the manifest",
        bytes,
        signature,
        manifest.map(ReleaseManifest::signingKey).orElse(null),
        problems);
    return manifest;
  }

  private void verifySignature(
      String file,
      String signatureFile,
      String what,
      byte[] bytes,
      byte[] signature,
      String keyId,
      List<String> problems) {
    if (pinned != null && keyId != null && !keyId.equals(SigningKey.keyIdOf(pinned))) {
      problems.add(
          file
              + ": signed by key "
              + keyId
              + ", not by the given key "
              + SigningKey.keyIdOf(pinned));
    }
    Optional<PublicKey> key = pinned != null ? Optional.of(pinned) : lookUp(keyId);
    if (key.isEmpty()) {
      problems.add(file + ": no trusted public key " + keyId + " to check its signature with");
    } else if (!Ed25519Signatures.verify(key.get(), bytes, signature)) {
      problems.add(
          file
              + ": the signature in "
              + signatureFile
              + " does not verify with key "
              + SigningKey.keyIdOf(key.get())
              + " ("
              + what
              + " or its signature was changed)");
    }
  }

  /**
   * The files the folder's purge notice says were deleted: none without a notice, or when the
   * notice is unsigned, forged, about another release, or names a file the manifest does not list
   * as it does (each a problem).
   */
  private Set<String> verifyPurgeNotice(
      Path folder, ReleaseManifest manifest, List<String> problems) {
    Optional<PurgeNotice> read;
    try {
      read = PurgeNotice.read(folder);
    } catch (PublisherException e) {
      problems.add(e.getMessage());
      return Set.of();
    }
    if (read.isEmpty()) {
      return Set.of();
    }
    PurgeNotice notice = read.get();
    int before = problems.size();
    try {
      verifySignature(
          PurgeNotice.FILE_NAME,
          PurgeNotice.SIGNATURE_FILE_NAME,
          "the purge notice",
          notice.bytes(),
          ReleaseArea.readPurgeSignature(folder),
          notice.signingKey(),
          problems);
    } catch (PublisherException e) {
      problems.add(e.getMessage());
    }
    if (!notice.adapterKey().equals(manifest.adapterKey())
        || notice.version() != manifest.version()) {
      problems.add(
          PurgeNotice.FILE_NAME
              + ": describes "
              + notice.adapterKey()
              + " v"
              + notice.version()
              + ", not "
              + manifest.adapterKey()
              + " v"
              + manifest.version());
    }
    notice
        .files()
        .forEach(
            (name, digest) -> {
              if (!digest.equals(manifest.files().get(name))) {
                problems.add(
                    PurgeNotice.FILE_NAME
                        + ": names "
                        + name
                        + " as "
                        + digest
                        + ", which "
                        + ReleaseManifest.FILE_NAME
                        + " does not list so");
              }
            });
    return problems.size() == before ? notice.files().keySet() : Set.of();
  }

  private Optional<PublicKey> lookUp(String keyId) {
    return keyId == null ? Optional.empty() : keysById.apply(keyId);
  }

  /** The file's digest; empty, with a problem naming the file, when it cannot be read. */
  private static Optional<Digest> digestOf(Path path, String name, List<String> problems) {
    try (InputStream in = Files.newInputStream(path)) {
      return Optional.of(Digest.of(in));
    } catch (IOException e) {
      problems.add(name + ": cannot be read: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static void verifyFiles(
      Path folder, ReleaseManifest manifest, Set<String> purged, List<String> problems) {
    for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
      Path path = folder.resolve(file.getKey());
      if (!ReleaseArea.isValidFileName(file.getKey()) || !path.normalize().startsWith(folder)) {
        problems.add(file.getKey() + ": not a valid release file name");
      } else if (Files.isSymbolicLink(path)) {
        problems.add(file.getKey() + ": " + SYMBOLIC_LINK);
      } else if (purged.contains(file.getKey())) {
        // Erased data's weights put back (a backup restored) are no part of the signed release.
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          problems.add(
              file.getKey()
                  + ": present, but "
                  + PurgeNotice.FILE_NAME
                  + " says it was deleted (the release was retracted and its weights purged)");
        }
      } else if (!Files.isRegularFile(path)) {
        problems.add(file.getKey() + ": missing");
      } else {
        Optional<Digest> read = digestOf(path, file.getKey(), problems);
        if (read.isEmpty()) {
          continue;
        }
        Digest actual = read.get();
        if (!actual.equals(file.getValue())) {
          problems.add(
              file.getKey()
                  + ": digest "
                  + actual
                  + " differs from the manifest's "
                  + file.getValue()
                  + " (the file was changed)");
        }
      }
    }
    Set<String> expected = new TreeSet<>(manifest.files().keySet());
    expected.add(ReleaseManifest.FILE_NAME);
    expected.add(ReleaseManifest.SIGNATURE_FILE_NAME);
    if (PurgeNotice.isPurged(folder)) {
      expected.add(PurgeNotice.FILE_NAME);
      expected.add(PurgeNotice.SIGNATURE_FILE_NAME);
    }
    try (Stream<Path> entries = Files.list(folder)) {
      entries
          .sorted()
          .forEach(
              entry -> {
                String name = entry.getFileName().toString();
                if (!expected.contains(name)) {
                  problems.add(name + ": not listed in the manifest");
                } else if (!manifest.files().containsKey(name) && Files.isSymbolicLink(entry)) {
                  problems.add(name + ": " + SYMBOLIC_LINK);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      problems.add(folder + ": cannot be listed: " + e.getMessage());
    }
  }
}
