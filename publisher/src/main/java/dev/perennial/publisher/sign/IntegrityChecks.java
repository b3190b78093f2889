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
import java.util.ArrayList;
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

  /**
   * The folder's verification, from the cache while the folder is unchanged. It fails too when the
   * manifest the publisher holds for the release (what the read API serves) is not the folder's.
   */
  public Verification check(StoredRelease release) {
    Path folder = release.folder();
    String fingerprint = release.manifest().digest() + ";" + fingerprint(folder);
    Checked cached = cache.get(folder);
    if (cached != null && cached.fingerprint().equals(fingerprint)) {
      return cached.verification();
    }
    Verification verification =
        heldManifest(release, verifier.verify(folder, release.key(), release.version()));
    cache.put(folder, new Checked(fingerprint, verification));
    return verification;
  }

  /**
   * The verification with a first problem when the folder's manifest is not the one the publisher
   * holds: it reads manifests from the area at start (and after a failed transaction) before any
   * check, so one tampered then and put back since would be served beside the genuine signature.
   */
  private static Verification heldManifest(StoredRelease release, Verification verification) {
    Path file = release.folder().resolve(ReleaseManifest.FILE_NAME);
    Digest held = release.manifest().digest();
    if (!Files.isRegularFile(file) || Digest.of(file).equals(held)) {
      return verification; // a missing manifest is the verifier's problem already
    }
    List<String> problems = new ArrayList<>();
    problems.add(
        ReleaseManifest.FILE_NAME
            + ": the publisher holds another manifest for this release ("
            + held
            + ", read from the release area before it was checked) than the folder's; restart the"
            + " publisher to read the folder again");
    problems.addAll(verification.problems());
    return new Verification(verification.folder(), problems);
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
