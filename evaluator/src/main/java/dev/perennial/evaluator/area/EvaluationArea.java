package dev.perennial.evaluator.area;

import dev.perennial.core.files.Folders;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The evaluator's folder ({@code perennial.evaluator.evaluation.path}):
 *
 * <pre>
 * reports/&lt;tenant&gt;/&lt;adapter&gt;/&lt;candidate&gt;/report.html, report.json   readable copies of every report
 * history/&lt;tenant&gt;/&lt;adapter&gt;.json                                   each key's score history
 * </pre>
 *
 * Names are the adapter key's parts (valid names by {@link AdapterKey}'s rule) and the candidate id
 * with every character outside {@code [A-Za-z0-9._-]} written as {@code ~XX} (its UTF-8 bytes in
 * hex). The report of a candidate whose adapter key is not valid lands in {@code
 * reports/~invalid/<key>/}; only valid keys have a history. Every file is written to a temporary
 * file, forced to disk and renamed into place.
 */
public final class EvaluationArea {

  private static final String INVALID_KEYS = "~invalid";

  private final Path root;

  public EvaluationArea(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The folder of a candidate's readable report. */
  public Path reportFolder(String adapterKey, String candidateId) {
    return keyFolder("reports", adapterKey).resolve(Folders.safeName(candidateId));
  }

  /** The score history file of an adapter key. */
  public Path historyFile(String adapterKey) {
    AdapterKey key = parse(adapterKey);
    return root.resolve("history").resolve(key.tenant()).resolve(key.adapter() + ".json");
  }

  /**
   * A valid key's folder; a candidate whose key is invalid still gets its report, under ~invalid.
   */
  private Path keyFolder(String area, String adapterKey) {
    return AdapterKey.tryParse(adapterKey)
        .map(key -> root.resolve(area).resolve(key.tenant()).resolve(key.adapter()))
        .orElseGet(
            () -> root.resolve(area).resolve(INVALID_KEYS).resolve(Folders.safeName(adapterKey)));
  }

  private static AdapterKey parse(String adapterKey) {
    try {
      return AdapterKey.parse(adapterKey);
    } catch (InvalidAdapterKeyException e) {
      throw new EvaluatorException(e.getMessage(), e);
    }
  }

  /** Writes {@code content} to {@code file}: whole or not at all, forced to disk. */
  public static void writeAtomically(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), ".write-", ".partial");
      try {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
          channel.write(java.nio.ByteBuffer.wrap(content));
          channel.force(true);
        }
        try {
          Files.move(
              temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new EvaluatorException("Cannot write " + file + ": " + e, e);
    }
  }
}
