package dev.perennial.publisher.sign;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.Ed25519Signatures;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * that the folder holds nothing else.
 */
public final class ReleaseVerifier {

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
          verifyFiles(folder, m, problems);
        });
    return new Verification(folder, problems);
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
    String keyId = manifest.map(ReleaseManifest::signingKey).orElse(null);
    if (pinned != null && keyId != null && !keyId.equals(SigningKey.keyIdOf(pinned))) {
      problems.add(
          ReleaseManifest.FILE_NAME
              + ": signed by key "
              + keyId
              + ", not by the given key "
              + SigningKey.keyIdOf(pinned));
    }
    Optional<PublicKey> key = pinned != null ? Optional.of(pinned) : lookUp(keyId);
    if (key.isEmpty()) {
      problems.add(
          ReleaseManifest.FILE_NAME
              + ": no trusted public key "
              + keyId
              + " to check its signature with");
    } else if (!Ed25519Signatures.verify(key.get(), bytes, signature)) {
      problems.add(
          ReleaseManifest.FILE_NAME
              + ": the signature in "
              + ReleaseManifest.SIGNATURE_FILE_NAME
              + " does not verify with key "
              + SigningKey.keyIdOf(key.get())
              + " (the manifest or its signature was changed)");
    }
    return manifest;
  }

  private Optional<PublicKey> lookUp(String keyId) {
    return keyId == null ? Optional.empty() : keysById.apply(keyId);
  }

  private static void verifyFiles(Path folder, ReleaseManifest manifest, List<String> problems) {
    for (Map.Entry<String, Digest> file : manifest.files().entrySet()) {
      Path path = folder.resolve(file.getKey());
      if (!ReleaseArea.isValidFileName(file.getKey()) || !path.normalize().startsWith(folder)) {
        problems.add(file.getKey() + ": not a valid release file name");
      } else if (!Files.isRegularFile(path)) {
        problems.add(file.getKey() + ": missing");
      } else {
        Digest actual = Digest.of(path);
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
    try (Stream<Path> entries = Files.list(folder)) {
      entries
          .map(entry -> entry.getFileName().toString())
          .filter(name -> !expected.contains(name))
          .sorted()
          .forEach(name -> problems.add(name + ": not listed in the manifest"));
    } catch (IOException | UncheckedIOException e) {
      problems.add(folder + ": cannot be listed: " + e.getMessage());
    }
  }
}
