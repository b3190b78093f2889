package dev.perennial.publisher.sign;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.StoredRelease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Checks a release folder against its signed manifest before the publisher serves it or moves an
 * alias onto it ({@link ReleaseVerifier} with the pinned keys only). A result is kept while the
 * folder looks the same: where its path leads (a tenant's, adapter's or version's folder replaced
 * by a symbolic link leads elsewhere), the digest of {@code manifest.json} and of {@code
 * manifest.sig}, and the size, modification time, file key (inode) and change time of every entry;
 * any change to any of them (a flipped byte written back moves the change time, even with the
 * modification time set back) checks the folder again, digests of every file included.
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
    // A link put on the folder's path (the same files reached through it) changes nothing below.
    text.append(realPath(folder)).append(';');
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
                      Files.readAttributes(
                          entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                  text.append(entry.getFileName())
                      .append(':')
                      .append(attributes.size())
                      .append(':')
                      .append(attributes.lastModifiedTime().toMillis())
                      .append(':')
                      .append(attributes.fileKey())
                      .append(':')
                      .append(changeTime(entry))
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

  private static String realPath(Path folder) {
    try {
      return folder.toRealPath().toString();
    } catch (IOException e) {
      return "unresolvable:" + e.getMessage();
    }
  }

  /**
   * The inode's change time where the file system keeps one: unlike the modification time, which
   * anyone who can write the file can set back, every write or attribute change moves it.
   */
  private static Object changeTime(Path entry) throws IOException {
    try {
      return Files.getAttribute(entry, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return "-";
    }
  }
}
