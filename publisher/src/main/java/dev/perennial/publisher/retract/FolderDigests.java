package dev.perennial.publisher.retract;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.AdapterFiles;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.release.ReleaseArea;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
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
    return new TreeSet<>(files(folder).values());
  }

  /**
   * The weight files the folder holds, name to the digest of its bytes: every regular file (no
   * link) with a release file name ({@link ReleaseArea#isValidFileName}: not the manifest, the
   * purge notice or their signatures) but {@value AdapterFiles#CONFIG_FILE}. What the purge of a
   * release whose manifest is not to be believed deletes, whatever that manifest lists.
   *
   * @throws PublisherException when the folder or one of its files cannot be read
   */
  static SortedMap<String, Digest> weightFiles(Path folder) {
    SortedMap<String, Digest> weights = new TreeMap<>(files(folder));
    weights.keySet().removeIf(name -> !isWeightFile(name));
    return weights;
  }

  /**
   * The names of the weight files the folder holds, as {@link #weightFiles} picks them, without
   * reading their bytes.
   *
   * @throws PublisherException when the folder cannot be listed
   */
  static SortedSet<String> weightFileNames(Path folder) {
    SortedSet<String> names = new TreeSet<>();
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) && isWeightFile(name)) {
          names.add(name);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new PublisherException("Cannot list the files of " + folder + ": " + e, e);
    }
    return names;
  }

  private static boolean isWeightFile(String name) {
    return ReleaseArea.isValidFileName(name) && AdapterFiles.holdsWeights(name);
  }

  /** Every regular file (no link) of the folder, name to digest. */
  private static SortedMap<String, Digest> files(Path folder) {
    SortedMap<String, Digest> files = new TreeMap<>();
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path entry : entries.toList()) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          files.put(entry.getFileName().toString(), Digest.of(entry));
        }
      }
    } catch (IOException | UncheckedIOException | PerennialException e) {
      throw new PublisherException("Cannot read the files of " + folder + ": " + e, e);
    }
    return files;
  }
}
