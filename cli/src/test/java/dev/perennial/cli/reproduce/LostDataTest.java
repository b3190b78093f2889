package dev.perennial.cli.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.schemas.key.AdapterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LostDataTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void laterReleasesThatCannotBeReadAreReportedAndTheSearchEndsAtTheLastFolder() throws Exception {
    ReleaseArea area = new ReleaseArea(folder);
    Files.createDirectories(area.folder(KEY, 2));
    Files.createDirectories(area.folder(KEY, 3));
    Files.writeString(area.folder(KEY, 3).resolve("manifest.json"), "{ not json");

    LostData.Replacement replacement = LostData.erasureOf(area, KEY, 1);

    assertThat(replacement.erasure()).isEmpty();
    assertThat(replacement.unreadable())
        .satisfiesExactly(
            v2 -> assertThat(v2).isEqualTo("v2: manifest.json is missing"),
            v3 -> assertThat(v3).startsWith("v3: "));
  }

  @Test
  void noLaterReleaseMeansNoErasureAndNothingUnreadable() {
    LostData.Replacement replacement = LostData.erasureOf(new ReleaseArea(folder), KEY, 1);

    assertThat(replacement.erasure()).isEmpty();
    assertThat(replacement.unreadable()).isEmpty();
  }
}
