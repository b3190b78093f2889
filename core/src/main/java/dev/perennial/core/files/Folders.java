package dev.perennial.core.files;

import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders on the local file system. */
public final class Folders {

  private Folders() {}

  /**
   * Deletes {@code folder} and everything in it; nothing happens when it does not exist.
   *
   * @throws PerennialException naming the folder when something in it cannot be deleted
   */
  public static void deleteRecursively(Path folder) {
    if (folder == null || !Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new PerennialException("Cannot delete " + folder + ": " + e, e);
    }
  }
}
