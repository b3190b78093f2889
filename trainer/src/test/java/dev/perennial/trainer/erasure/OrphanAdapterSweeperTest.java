package dev.perennial.trainer.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanAdapterSweeperTest {

  @TempDir Path folder;

  private LocalArtifactStore store;

  @Test
  void aSettledJobsAdapterIsDeletedButForTheBlobsAnotherAdapterHoldsAndNothingElseIsTouched()
      throws Exception {
    store = new LocalArtifactStore(folder.resolve("store"));
    // a carry-over's weights are its release's bytes
    FolderIndex.StoredFolder carried = stored("acme/support", "acme/support@3-a", "release v1");
    FolderIndex.StoredFolder trained =
        stored("acme/support", "acme/support@4-b", "trained on data");
    FolderIndex.StoredFolder inFlight = stored("acme/support", "acme/support@5-c", "in flight");
    FolderIndex.StoredFolder globex = stored("globex/support", "globex/support@1-d", "globex");
    FolderIndex.StoredFolder plain =
        FolderIndex.store(
            store, Map.of("adapter_model.safetensors", bytes("an import, no origin")));
    Digest release = Digest.parse(carried.fileDigests().get("adapter_model.safetensors"));
    Set<String> settled = Set.of("acme/support@3-a", "acme/support@4-b", "globex/support@1-d");

    List<OrphanAdapterSweeper.Swept> swept =
        new OrphanAdapterSweeper(store)
            .sweep("acme", (key, job) -> settled.contains(job), Set.of(release.hex()));

    assertThat(swept)
        .extracting(OrphanAdapterSweeper.Swept::jobId)
        .containsExactlyInAnyOrder("acme/support@3-a", "acme/support@4-b");
    assertThat(store.exists(Digest.parse(carried.location()))).isFalse();
    assertThat(store.exists(release)).isTrue();
    assertThat(weights(trained)).noneMatch(store::exists);
    // the configuration holds no trained values (and every adapter of the recipe shares it)
    assertThat(store.exists(Digest.parse(trained.fileDigests().get("adapter_config.json"))))
        .isTrue();
    assertThat(weights(inFlight)).allMatch(store::exists);
    assertThat(weights(globex)).allMatch(store::exists);
    assertThat(store.exists(Digest.parse(plain.location()))).isTrue();
  }

  private FolderIndex.StoredFolder stored(String adapterKey, String jobId, String weights)
      throws Exception {
    Path adapter = Files.createDirectories(folder.resolve(jobId.replace('/', '_')));
    Files.write(adapter.resolve("adapter_config.json"), bytes("{\"r\": 4}"));
    Files.write(adapter.resolve("adapter_model.safetensors"), bytes(weights));
    SortedMap<String, String> origin =
        new TreeMap<>(
            Map.of(
                AdapterOrigin.TENANT,
                adapterKey.substring(0, adapterKey.indexOf('/')),
                AdapterOrigin.ADAPTER_KEY,
                adapterKey,
                AdapterOrigin.JOB_ID,
                jobId));
    return FolderIndex.store(store, adapter, origin);
  }

  private static List<Digest> weights(FolderIndex.StoredFolder adapter) {
    return List.of(
        Digest.parse(adapter.location()),
        Digest.parse(adapter.fileDigests().get("adapter_model.safetensors")));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
