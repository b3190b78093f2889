package dev.perennial.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderIndexTest {

  @TempDir Path folder;

  @Test
  void aStoredFolderComesBackFileForFileThroughItsIndex() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    Path adapter = Files.createDirectories(folder.resolve("adapter"));
    Files.writeString(adapter.resolve("adapter_config.json"), "{\"r\": 8}");
    Files.write(adapter.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});

    FolderIndex.StoredFolder stored = FolderIndex.store(store, adapter);
    Path copy =
        FolderIndex.materialize(store, store.root(), stored.location(), folder.resolve("c"));

    assertThat(stored.fileDigests())
        .containsOnlyKeys("adapter_config.json", "adapter_model.safetensors");
    assertThat(new String(store.read(Digest.parse(stored.location())), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"files\":{\"adapter_config.json\":\"sha256:"
                + stored.fileDigests().get("adapter_config.json")
                + "\",\"adapter_model.safetensors\":\"sha256:"
                + stored.fileDigests().get("adapter_model.safetensors")
                + "\"}}\n");
    assertThat(FolderIndex.files(store, stored.location())).isEqualTo(stored.fileDigests());
    assertThat(copy.resolve("adapter_model.safetensors")).hasBinaryContent(new byte[] {1, 2, 3});
  }

  @Test
  void filesGivenByContentMakeTheSameIndexAsTheSameFilesInAFolder() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    Path report = Files.createDirectories(folder.resolve("report"));
    Files.writeString(report.resolve("report.json"), "{}");

    assertThat(FolderIndex.store(store, report).location())
        .isEqualTo(
            FolderIndex.store(store, Map.of("report.json", "{}".getBytes(StandardCharsets.UTF_8)))
                .location());
  }

  @Test
  void aFolderStoredWithItsOriginHasItsIndexWrittenFirstAndReadBackWithIt() throws Exception {
    LocalArtifactStore local = new LocalArtifactStore(folder.resolve("store"));
    Path adapter = Files.createDirectories(folder.resolve("adapter"));
    Files.writeString(adapter.resolve("adapter_config.json"), "{\"r\": 8}");
    Files.write(adapter.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3});
    SortedMap<String, String> origin = new TreeMap<>(Map.of("tenant", "acme", "jobId", "j@1"));

    FolderIndex.StoredFolder stored = FolderIndex.store(local, adapter, origin);

    assertThat(FolderIndex.files(local, stored.location())).isEqualTo(stored.fileDigests());
    assertThat(FolderIndex.readIndex(local, Digest.parse(stored.location())))
        .contains(new FolderIndex.Index(stored.fileDigests(), origin));
    Path copy =
        FolderIndex.materialize(local, local.root(), stored.location(), folder.resolve("c"));
    assertThat(copy.resolve("adapter_model.safetensors")).hasBinaryContent(new byte[] {1, 2, 3});
    // no origin, no index: a weights file, a plain blob
    Digest weights = Digest.parse(stored.fileDigests().get("adapter_model.safetensors"));
    assertThat(FolderIndex.readIndex(local, weights)).isEmpty();
    assertThat(
            FolderIndex.readIndex(
                local, Digest.parse(FolderIndex.store(local, adapter).location())))
        .hasValueSatisfying(index -> assertThat(index.origin()).isEmpty());

    // a writer that dies after the first file leaves an index that names every file
    LocalArtifactStore second = new LocalArtifactStore(folder.resolve("second"));
    ArtifactStore failing =
        new ForwardingArtifactStore(second) {
          @Override
          public Digest putFile(Path file) {
            throw new ArtifactStoreWriteException("full", null);
          }
        };
    assertThatThrownBy(() -> FolderIndex.store(failing, adapter, origin))
        .isInstanceOf(ArtifactStoreWriteException.class);
    assertThat(second.list())
        .singleElement()
        .satisfies(
            index ->
                assertThat(FolderIndex.readIndex(second, index))
                    .contains(new FolderIndex.Index(stored.fileDigests(), origin)));
  }

  @Test
  void aBlobThatIsNoIndexOrNamesAPathIsRefused() {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    String notAnIndex = store.put("plain text".getBytes(StandardCharsets.UTF_8)).toString();
    String escaping =
        store
            .put(
                ("{\"files\":{\"../x\":\"" + Digest.of(new byte[0]) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8))
            .toString();

    assertThatThrownBy(() -> FolderIndex.files(store, notAnIndex))
        .isInstanceOf(InvalidFolderIndexException.class);
    assertThatThrownBy(() -> FolderIndex.materialize(store, folder, escaping, folder.resolve("t")))
        .isInstanceOf(InvalidFolderIndexException.class)
        .hasMessageContaining("not a plain file name");
  }

  @Test
  void aFolderLocationInsideTheStoreIsCopiedAndOneReachingOutsideItIsRefused() throws Exception {
    // Locations arrive in records on topics (a release's, an import's): one naming /etc or
    // ../../home/x would have the reader copy any folder it may read into its scratch space.
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    Path inside = Files.createDirectories(store.root().resolve("releases/acme/support/v1"));
    Files.writeString(inside.resolve("adapter_config.json"), "{\"r\": 8}");
    Path outside = Files.createDirectories(folder.resolve("secrets"));
    Files.writeString(outside.resolve("id_rsa"), "private");
    Path linked = Files.createSymbolicLink(store.root().resolve("linked"), outside);

    assertThat(
            FolderIndex.materialize(
                store, store.root(), "releases/acme/support/v1", folder.resolve("relative")))
        .isDirectoryContaining(f -> f.getFileName().toString().equals("adapter_config.json"));
    assertThat(
            FolderIndex.materialize(
                store, store.root(), inside.toString(), folder.resolve("absolute")))
        .isDirectoryContaining(f -> f.getFileName().toString().equals("adapter_config.json"));
    for (String escaping :
        List.of(outside.toString(), "../secrets", "releases/../../secrets", linked.toString())) {
      Path target = folder.resolve("t-" + Math.abs(escaping.hashCode()));
      assertThatThrownBy(() -> FolderIndex.materialize(store, store.root(), escaping, target))
          .as(escaping)
          .isInstanceOf(InvalidFolderIndexException.class)
          .hasMessageContaining("outside the artifact store");
      assertThat(target.resolve("id_rsa")).as(escaping).doesNotExist();
    }
  }

  @Test
  void aFileLinkedFromOutsideTheStoreIsNotCopiedFromAFolderInsideIt() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    Path inside = Files.createDirectories(store.root().resolve("releases/acme/support/v1"));
    Files.writeString(inside.resolve("adapter_config.json"), "{\"r\": 8}");
    Path secret = Files.writeString(folder.resolve("id_rsa"), "private");
    Files.createSymbolicLink(inside.resolve("adapter_model.safetensors"), secret);
    Path target = folder.resolve("t");

    assertThatThrownBy(
            () -> FolderIndex.materialize(store, store.root(), "releases/acme/support/v1", target))
        .isInstanceOf(InvalidFolderIndexException.class)
        .hasMessageContaining("adapter_model.safetensors")
        .hasMessageContaining("outside the artifact store");
    assertThat(target.resolve("adapter_model.safetensors")).doesNotExist();
  }

  @Test
  void aLocationNamingABlobLargerThanAnyIndexIsRefusedAsNoIndex() {
    // A candidate whose location names a weights blob (gigabytes) must be refused, not read whole
    // into memory; here an index padded past the limit stands in for such a blob.
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
    String padded =
        "{\"files\":{\"a.json\":\""
            + Digest.of(new byte[0])
            + "\"}}"
            + " ".repeat((int) FolderIndex.MAX_INDEX_BYTES);
    String location = store.put(padded.getBytes(StandardCharsets.UTF_8)).toString();

    assertThatThrownBy(() -> FolderIndex.files(store, location))
        .isInstanceOf(InvalidFolderIndexException.class)
        .hasMessageContaining(location)
        .hasMessageContaining("larger than");
  }

  @Test
  void deletingAFolderRemovesEverythingInItAndAMissingOneIsFine() throws Exception {
    Path tree = Files.createDirectories(folder.resolve("a/b/c"));
    Files.writeString(tree.resolve("f"), "x");

    Folders.deleteRecursively(folder.resolve("a"));
    Folders.deleteRecursively(folder.resolve("a"));

    assertThat(folder.resolve("a")).doesNotExist();
  }
}
