package dev.perennial.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetiredConsentStoreTest {

  @TempDir Path stateDir;

  private Path file(String path, String content) throws Exception {
    Path file = stateDir.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  @Test
  void theRocksDbConsentFoldersOfAnEarlierVersionAreDeletedAndNothingElse() throws Exception {
    // as an earlier version left them: raw ids in the data files and the MANIFEST of each task
    file("perennial-ingest/0_0/rocksdb/ingest-consent-store/000008.sst", "acme/ann@example.com");
    file("perennial-ingest/0_1/rocksdb/ingest-consent-store/MANIFEST-000005", "acme/bob");
    Path dedup = file("perennial-ingest/0_0/rocksdb/ingest-dedup-store/000009.sst", "event ids");
    Path checkpoint = file("perennial-ingest/0_1/.checkpoint", "offsets");
    Path otherApplication =
        file("other-app/0_0/rocksdb/ingest-consent-store/000008.sst", "another application's");

    assertThat(RetiredConsentStore.delete(stateDir, "perennial-ingest"))
        .containsExactly(
            stateDir.resolve("perennial-ingest/0_0/rocksdb/ingest-consent-store"),
            stateDir.resolve("perennial-ingest/0_1/rocksdb/ingest-consent-store"));

    assertThat(stateDir.resolve("perennial-ingest/0_0/rocksdb/ingest-consent-store"))
        .doesNotExist();
    assertThat(stateDir.resolve("perennial-ingest/0_1/rocksdb/ingest-consent-store"))
        .doesNotExist();
    assertThat(dedup).exists();
    assertThat(checkpoint).exists();
    assertThat(otherApplication).exists();
  }

  @Test
  void aStateFolderNotYetMadeIsNothingToDelete() {
    assertThat(RetiredConsentStore.delete(stateDir.resolve("absent"), "perennial-ingest"))
        .isEmpty();
  }
}
