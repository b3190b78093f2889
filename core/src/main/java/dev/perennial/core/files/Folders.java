package dev.perennial.core.files;

import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/** Folders on the local file system. */
public final class Folders {

  private Folders() {}

  /**
   * {@code name} (an id an upstream record chose) as one file or folder name: every byte of its
   * UTF-8 outside {@code [A-Za-z0-9._-]} as {@code ~XX}, and an empty name, {@code .} or {@code ..}
   * escaped too, so the name always stays inside the folder it is resolved against. Distinct names
   * stay distinct.
   */
  public static String safeName(String name) {
    StringBuilder safe = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (plain) {
        safe.append(c);
      } else {
        safe.append('~').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
      }
    }
    String result = safe.toString();
    if (result.isEmpty() || result.equals(".") || result.equals("..")) {
      return result.replace(".", "~2E") + (result.isEmpty() ? "~" : "");
    }
    return result;
  }

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
