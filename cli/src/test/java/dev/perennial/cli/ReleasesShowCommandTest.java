package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.schemas.key.AdapterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code releases show KEY VERSION} says of a retracted release whose weights were purged. */
class ReleasesShowCommandTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final String WEIGHTS = "adapter_model.safetensors";

  @TempDir Path root;

  private StoredRelease release;
  private KeyState state;

  @BeforeEach
  void setUp() throws Exception {
    Path folder = Files.createDirectories(new ReleaseArea(root).folder(KEY, 1));
    release = new StoredRelease(KEY, 1, folder, ReleaseStates.release(KEY, 1).manifest());
    state = AliasPolicy.afterPublish(KeyState.empty(KEY), release, "stable").withRetracted(1);
  }

  /** Writes the folder's purge notice as the publisher's purge does (the signature aside). */
  private void purge(String retraction) throws Exception {
    PurgeNotice notice =
        PurgeNotice.of(
            KEY,
            1,
            Map.of(WEIGHTS, release.manifest().files().get(WEIGHTS)),
            "sha256:" + "1".repeat(64),
            Instant.parse("2025-06-02T12:00:00Z"),
            retraction);
    Files.write(release.folder().resolve(PurgeNotice.FILE_NAME), notice.bytes());
  }

  @Test
  void aPurgedReleaseSaysWhichErasureRequestRetractedItAndWhy() throws Exception {
    String reason = "trained on data erased by request erase-job-1; replaced by v2";
    purge(reason);

    String status = ReleasesShowCommand.status(state, release);

    assertThat(status).contains("RETRACTED, weights purged (" + WEIGHTS + " deleted");
    assertThat(status).contains(reason);
  }

  @Test
  void aNoticeThatDoesNotRecordTheRetractionSaysOnlyThatTheWeightsWerePurged() throws Exception {
    purge(null);

    assertThat(ReleasesShowCommand.status(state, release))
        .isEqualTo(
            " RETRACTED, weights purged (" + WEIGHTS + " deleted; manifest and signature kept)");
  }

  @Test
  void aNoticeThatDoesNotReadIsNamedInsteadOfFailingTheShow() throws Exception {
    Files.writeString(release.folder().resolve(PurgeNotice.FILE_NAME), "not json");

    assertThat(ReleasesShowCommand.status(state, release))
        .contains("RETRACTED, weights purged")
        .contains("retraction unknown: purged.json: not JSON");
  }

  @Test
  void aQuarantinedReleaseIsMarkedAndItsManifestsWeightListIsNotRepeated() throws Exception {
    purge(null);
    KeyState quarantined =
        state.withQuarantined(new TreeMap<>(Map.of(1, "its manifest does not verify: bad")));

    assertThat(ReleasesShowCommand.status(quarantined, release))
        .contains("QUARANTINED")
        .contains("its manifest does not verify: bad")
        .doesNotContain(WEIGHTS);
  }
}
