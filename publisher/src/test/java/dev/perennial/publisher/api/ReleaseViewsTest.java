package dev.perennial.publisher.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code GET .../versions/{n}} says of a release whose weights were purged. */
class ReleaseViewsTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final String WEIGHTS = "adapter_model.safetensors";

  @TempDir Path root;

  private ReleaseArea area;
  private StoredRelease release;
  private KeyState state;

  @BeforeEach
  void setUp() throws Exception {
    area = new ReleaseArea(root);
    Path folder = Files.createDirectories(area.folder(KEY, 1));
    Files.writeString(folder.resolve("manifest.sig"), "AAAA\n");
    release = new StoredRelease(KEY, 1, folder, ReleaseStates.release(KEY, 1).manifest());
    state = AliasPolicy.afterPublish(KeyState.empty(KEY), release, "stable");
  }

  /** Writes the folder's purge notice as the publisher's purge does (the signature aside). */
  private void purge(String retraction) throws Exception {
    Digest weights = release.manifest().files().get(WEIGHTS);
    PurgeNotice notice =
        PurgeNotice.of(
            KEY,
            1,
            java.util.Map.of(WEIGHTS, weights),
            "sha256:" + "1".repeat(64),
            Instant.parse("2025-06-02T12:00:00Z"),
            retraction);
    Files.write(release.folder().resolve(PurgeNotice.FILE_NAME), notice.bytes());
  }

  @Test
  void aPurgedReleaseSaysWhichErasureRequestRetractedItAndWhy() throws Exception {
    String reason = "trained on data erased by request erase-job-1; replaced by v2";
    purge(reason);

    ObjectNode view = ReleaseViews.release(state, release, null, area);

    assertThat(view.path("purged").booleanValue()).isTrue();
    assertThat(view.path("purgedFiles").get(0).textValue()).isEqualTo(WEIGHTS);
    assertThat(view.path("retraction").textValue()).isEqualTo(reason);
  }

  @Test
  void aNoticeThatDoesNotRecordTheRetractionLeavesItOut() throws Exception {
    purge(null);

    ObjectNode view = ReleaseViews.release(state, release, null, area);

    assertThat(view.path("purged").booleanValue()).isTrue();
    assertThat(view.has("retraction")).isFalse();
  }

  @Test
  void aReleaseThatWasNotPurgedHasNoRetraction() {
    ObjectNode view = ReleaseViews.release(state, release, null, area);

    assertThat(view.path("purged").booleanValue()).isFalse();
    assertThat(view.has("purgedFiles")).isFalse();
    assertThat(view.has("retraction")).isFalse();
  }
}
