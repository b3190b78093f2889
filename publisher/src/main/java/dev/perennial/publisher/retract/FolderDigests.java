package dev.perennial.publisher.retract;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.PublisherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The digests of the regular files a folder holds, read from the files themselves: what a release
 * whose manifest is not to be believed holds in the artifact store (its files are copies of the
 * store's content-addressed blobs).
 */
final class FolderDigests {

  private FolderDigests() {}

  /**
   * @throws PublisherException when the folder or one of its files cannot be read (a purge that
   *     cannot tell what a release holds deletes nothing from the store)
   */
  static SortedSet<Digest> of(Path folder) {
    SortedSet<Digest> digests = new TreeSet<>();
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path entry : entries.toList()) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          digests.add(Digest.of(entry));
        }
      }
    } catch (IOException | UncheckedIOException | PerennialException e) {
      throw new PublisherException("Cannot read the files of " + folder + ": " + e, e);
    }
    return digests;
  }
}
