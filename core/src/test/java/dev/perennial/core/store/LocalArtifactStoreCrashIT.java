package dev.perennial.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed with SIGKILL in the middle of a blob leaves nothing visible. */
class LocalArtifactStoreCrashIT {

  private static final long SEED = 2024;
  private static final long SIZE = 64L * 1024 * 1024;
  private static final long STALL_AT = SIZE / 2;

  @TempDir Path folder;

  @Test
  @Timeout(120)
  void aWriterKilledMidWriteLeavesNoPartialBlobAndTheSameContentCanBeWrittenAgain()
      throws Exception {
    Path root = folder.resolve("store");
    Digest expected = Digest.of(new DeterministicContent(SEED, SIZE, -1));

    Process writer = startWriter(root);
    try {
      awaitStall(writer);
      assertThat(partialBytesOnDisk(root)).isEqualTo(STALL_AT);

      writer.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      writer.destroyForcibly();
    }

    LocalArtifactStore store = new LocalArtifactStore(root);
    assertThat(store.list()).isEmpty();
    assertThat(store.exists(expected)).isFalse();
    assertThat(store.blobPath(expected)).doesNotExist();

    Digest written = store.put(new DeterministicContent(SEED, SIZE, -1));

    assertThat(written).isEqualTo(expected);
    assertThat(store.list()).containsExactly(expected);
    assertThat(store.size(expected)).isEqualTo(SIZE);
    try (var in = store.open(expected)) {
      assertThat(Digest.of(in)).isEqualTo(expected);
    }
    assertThat(store.removeAbandonedWrites(Duration.ZERO)).isEqualTo(1);
    assertThat(partialBytesOnDisk(root)).isZero();
  }

  private static Process startWriter(Path root) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile", ""),
            StalledBlobWriter.class.getName(),
            root.toString(),
            Long.toString(SEED),
            Long.toString(SIZE),
            Long.toString(STALL_AT));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static void awaitStall(Process writer) throws Exception {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); ; line = out.readLine()) {
        if (line == null) {
          throw new AssertionError(
              "The writer exited (status " + writer.waitFor() + ") before stalling");
        }
        if (line.equals(DeterministicContent.STALLED)) {
          return;
        }
      }
    }
  }

  private static long partialBytesOnDisk(Path root) throws Exception {
    try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
      long total = 0;
      for (Path file : files.toList()) {
        total += Files.size(file);
      }
      return total;
    }
  }
}
