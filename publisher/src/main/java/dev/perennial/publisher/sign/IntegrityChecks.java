package dev.perennial.publisher.sign;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.StoredRelease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Checks a release folder against its signed manifest before the publisher serves it or moves an
 * alias onto it ({@link ReleaseVerifier} with the pinned keys only). A result is kept while the
 * folder looks the same: the digest of {@code manifest.json} and of {@code manifest.sig}, and the
 * size and modification time of every entry; any change to any of them (a flipped byte written back
 * changes the time) checks the folder again, digests of every file included.
 */
public final class IntegrityChecks {

  private final ReleaseVerifier verifier;
  private final Map<Path, Checked> cache = new ConcurrentHashMap<>();

  private record Checked(String fingerprint, Verification verification) {}

  public IntegrityChecks(ReleaseVerifier verifier) {
    this.verifier = verifier;
  }

  /** The folder's verification, from the cache while the folder is unchanged. */
  public Verification check(StoredRelease release) {
    Path folder = release.folder();
    String fingerprint = fingerprint(folder);
    Checked cached = cache.get(folder);
    if (cached != null && cached.fingerprint().equals(fingerprint)) {
      return cached.verification();
    }
    Verification verification = verifier.verify(folder, release.key(), release.version());
    cache.put(folder, new Checked(fingerprint, verification));
    return verification;
  }

  private static String fingerprint(Path folder) {
    StringBuilder text = new StringBuilder();
    for (String signed : List.of(ReleaseManifest.FILE_NAME, ReleaseManifest.SIGNATURE_FILE_NAME)) {
      Path file = folder.resolve(signed);
      text.append(Files.isRegularFile(file) ? Digest.of(file).toString() : "missing").append(';');
    }
    try (Stream<Path> entries = Files.list(folder)) {
      entries
          .sorted()
          .forEach(
              entry -> {
                try {
                  BasicFileAttributes attributes =
                      Files.readAttributes(entry, BasicFileAttributes.class);
                  text.append(entry.getFileName())
                      .append(':')
                      .append(attributes.size())
                      .append(':')
                      .append(attributes.lastModifiedTime().toMillis())
                      .append(';');
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      return "unlistable:" + e.getMessage();
    }
    return text.toString();
  }
}
