package dev.perennial.publisher.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What someone who may write the release area, but holds no signing key, can do to signed releases:
 * move them to another version or key, replay another release's signature or purge notice, hide
 * files beside them. Each fails verification with the pinned key.
 */
class ReleaseTamperingTest {

  private static final AdapterKey ACME = AdapterKey.parse("acme/support");
  private static final AdapterKey GLOBEX = AdapterKey.parse("globex/support");
  private static final String WEIGHTS = "adapter_model.safetensors";

  @TempDir Path folder;

  private final SigningKey signingKey = SigningKey.generate();
  private ReleaseArea area;
  private StoredRelease v1;
  private StoredRelease v2;

  @BeforeEach
  void publishTwoReleases() {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    area = new ReleaseArea(folder.resolve("releases"));
    v1 = publish(store, 1, "cand-1");
    v2 = publish(store, 2, "cand-2");
  }

  private StoredRelease publish(LocalArtifactStore store, int version, String candidate) {
    EvaluationVerdict verdict =
        TestVerdicts.passed(
            TestVerdicts.candidate(
                store, ACME.toString(), candidate, version == 1 ? null : version - 1));
    SortedMap<String, Digest> files = new TreeMap<>();
    verdict
        .getCandidate()
        .getFileDigests()
        .forEach((name, hex) -> files.put(name, Digest.parse(hex)));
    return area.write(
        ManifestFactory.create(verdict, ACME, version, files, signingKey.keyId(), TestVerdicts.AT),
        store,
        signingKey);
  }

  private List<String> problems(AdapterKey key, int version) {
    return ReleaseVerifier.withPinnedKeys(List.of(signingKey.publicKey()))
        .verify(area.folder(key, version), key, version)
        .problems();
  }

  @Test
  void versionsSwappedFailBoth() throws Exception {
    Path swap = area.root().resolve("acme/support/swap");
    Files.move(v1.folder(), swap);
    Files.move(v2.folder(), v1.folder());
    Files.move(swap, v2.folder());

    assertThat(problems(ACME, 1))
        .containsExactly(
            "manifest.json: describes acme/support v2, but lies in the folder of acme/support v1");
    assertThat(problems(ACME, 2))
        .containsExactly(
            "manifest.json: describes acme/support v1, but lies in the folder of acme/support v2");
  }

  @Test
  void aSignedReleaseCopiedToAnotherKeyOrANewerVersionFails() throws Exception {
    for (Path target : List.of(area.folder(GLOBEX, 1), area.folder(ACME, 3))) {
      Files.createDirectories(target);
      try (var files = Files.list(v1.folder())) {
        for (Path file : files.toList()) {
          Files.copy(file, target.resolve(file.getFileName()));
        }
      }
    }

    assertThat(problems(GLOBEX, 1))
        .containsExactly(
            "manifest.json: describes acme/support v1, but lies in the folder of globex/support v1");
    assertThat(problems(ACME, 3))
        .containsExactly(
            "manifest.json: describes acme/support v1, but lies in the folder of acme/support v3");
  }

  @Test
  void anotherReleasesSignatureDoesNotVerifyThisManifest() throws Exception {
    Files.copy(
        v2.folder().resolve("manifest.sig"),
        v1.folder().resolve("manifest.sig"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(problems(ACME, 1))
        .singleElement()
        .asString()
        .startsWith("manifest.json: the signature in manifest.sig does not verify");
  }

  @Test
  void hiddenFilesSubfoldersAndASecondConfigAreNamed() throws Exception {
    Files.writeString(v1.folder().resolve(".adapter_model.safetensors"), "x");
    Files.createDirectories(v1.folder().resolve("sub"));
    Files.writeString(v1.folder().resolve("sub/adapter_config.json"), "{}");
    Files.writeString(v1.folder().resolve("adapter_config (1).json"), "{}");

    assertThat(problems(ACME, 1))
        .containsExactlyInAnyOrder(
            ".adapter_model.safetensors: not listed in the manifest",
            "sub: not listed in the manifest",
            "adapter_config (1).json: not listed in the manifest");
  }

  @Test
  void aPurgeNoticeMovedToAnotherVersionOrRemovedExcusesNothing() throws Exception {
    area.purge(
        v1,
        PurgeNotice.of(
            ACME,
            1,
            Map.of(WEIGHTS, v1.manifest().files().get(WEIGHTS)),
            signingKey.keyId(),
            TestVerdicts.AT),
        signingKey);
    assertThat(problems(ACME, 1)).isEmpty();

    // the signed notice of v1 hides v2's weights: refused
    Files.copy(v1.folder().resolve("purged.json"), v2.folder().resolve("purged.json"));
    Files.copy(v1.folder().resolve("purged.sig"), v2.folder().resolve("purged.sig"));
    Files.delete(v2.folder().resolve(WEIGHTS));
    // v1's notice taken away: the purged release looks tampered, not purged
    Files.delete(v1.folder().resolve("purged.json"));
    Files.delete(v1.folder().resolve("purged.sig"));

    assertThat(problems(ACME, 2))
        .contains("purged.json: describes acme/support v1, not acme/support v2")
        .contains(WEIGHTS + ": missing");
    assertThat(problems(ACME, 1)).containsExactly(WEIGHTS + ": missing");
  }
}
