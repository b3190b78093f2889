package dev.perennial.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The local run's own state folders. The local broker starts empty every time, so what a stage kept
 * about an earlier run (Streams state, release and evaluation areas) is cleared at its start.
 */
final class StateFolders {

  private StateFolders() {}

  /** Deletes {@code folder} and everything in it, if it exists. */
  static void clear(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(Objects.requireNonNull(path));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clear " + folder, e);
    }
  }
}
