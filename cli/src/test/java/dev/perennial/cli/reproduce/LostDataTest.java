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
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.Examples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
  void aShardTwoErasuresRewroteIsNamedWithItsNewestRewrite() {
    // X -> X1 (one erasure) -> X2 (a second): X and X1 are deleted, and X2 names X1 as its
    // predecessor and X among its ancestors. The release trained on X was trained on the data X2
    // still holds, less what the two erasures removed.
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    AdapterCandidate candidate = TestVerdicts.candidate(store, KEY.toString(), "cand-1", null);
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      examples.add(
          new SourcedExample(
              new SourcePosition("perennial.examples.v1", 0, i),
              Examples.text(KEY.toString(), "p-" + i, "Example " + i + ".")));
    }
    Digest x =
        ShardWriter.write(
            store, new Shard("acme", KEY.toString(), ShardSplit.TRAIN, null, examples));
    Digest x1 =
        ShardWriter.write(
            store,
            new Shard("acme", KEY.toString(), ShardSplit.TRAIN, x.hex(), examples.subList(1, 3)));
    Digest x2 =
        ShardWriter.write(
            store,
            new Shard(
                "acme",
                KEY.toString(),
                ShardSplit.TRAIN,
                x1.hex() + "\n" + x.hex(),
                examples.subList(2, 3)));
    store.delete(x);
    store.delete(x1);
    candidate.setTrigger(JobTrigger.MIN_EXAMPLES);
    candidate.setShards(
        List.of(ShardRef.newBuilder(candidate.getShards().get(0)).setDigest(x.hex()).build()));
    candidate.setReplayShards(List.of());
    candidate.setLineage(Lineage.newBuilder().setMethod(LineageMethod.FRESH).build());
    SortedMap<String, Digest> files = new TreeMap<>();
    candidate.getFileDigests().forEach((name, hex) -> files.put(name, Digest.parse(hex)));
    ReleaseInputs inputs =
        ReleaseInputs.of(
            ManifestFactory.create(
                TestVerdicts.passed(candidate), KEY, 1, files, "sha256:key", TestVerdicts.AT));

    assertThat(LostData.of(store, inputs))
        .singleElement()
        .satisfies(
            lost -> {
              assertThat(lost.what()).isEqualTo("training shard");
              assertThat(lost.digest()).isEqualTo(x);
              assertThat(lost.rewrittenAs()).contains(x2);
            });
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
