package dev.perennial.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbandonedWriteSweeperTest {

  @TempDir Path folder;

  @Test
  void aStartRemovesTheWritesAbandonedLongerThanTheAgeAndKeepsAYoungerOne() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(folder);
    Path stale = Files.writeString(folder.resolve("tmp/write-1.partial"), "killed mid-write");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
    Path fresh = Files.writeString(folder.resolve("tmp/write-2.partial"), "being written");

    try (AbandonedWriteSweeper sweeper = AbandonedWriteSweeper.start(store, Duration.ofDays(1))) {
      assertThat(stale).doesNotExist();
      assertThat(fresh).exists();
    }
  }

  @Test
  void anAbandonedWriteGoesAtMostHalfItsAgeAndAtMostAnHourAfterItIsDue() {
    assertThat(AbandonedWriteSweeper.interval(Duration.ofDays(1))).isEqualTo(Duration.ofHours(1));
    assertThat(AbandonedWriteSweeper.interval(Duration.ofHours(1)))
        .isEqualTo(Duration.ofMinutes(30));
  }
}
