package dev.perennial.cli.reproduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStoreUnavailableException;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
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
  void aStoreThatHoldsNothingIsAnOutageNotDataTheStoreLost() {
    // the shards a fresh release trained on are in the store ...
    AdapterCandidate candidate =
        TestVerdicts.candidate(
            new LocalArtifactStore(folder.resolve("store")), KEY.toString(), "cand-1", null);
    candidate.setTrigger(JobTrigger.MIN_EXAMPLES);
    candidate.setReplayShards(List.of(candidate.getHeldOutShards().get(0)));
    candidate.setLineage(Lineage.newBuilder().setMethod(LineageMethod.FRESH).build());
    SortedMap<String, Digest> files = new TreeMap<>();
    candidate.getFileDigests().forEach((name, hex) -> files.put(name, Digest.parse(hex)));
    ReleaseInputs inputs =
        ReleaseInputs.of(
            ManifestFactory.create(
                TestVerdicts.passed(candidate), KEY, 1, files, "sha256:key", TestVerdicts.AT));
    // ... but perennial.artifact.store.path names an empty folder (a volume not mounted)
    LocalArtifactStore unmounted = new LocalArtifactStore(folder.resolve("unmounted"));

    assertThatThrownBy(() -> LostData.of(unmounted, inputs))
        .isInstanceOf(ArtifactStoreUnavailableException.class)
        .hasMessageContaining("is its volume mounted?");
  }

  @Test
  void noLaterReleaseMeansNoErasureAndNothingUnreadable() {
    LostData.Replacement replacement = LostData.erasureOf(new ReleaseArea(folder), KEY, 1);

    assertThat(replacement.erasure()).isEmpty();
    assertThat(replacement.unreadable()).isEmpty();
  }
}
