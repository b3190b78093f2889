package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code releases verify} over a release area written as the publisher writes it (no Kafka). */
class ReleasesVerifyCommandTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  private ReleaseArea area;
  private Path publicKey;

  @BeforeEach
  void publishThreeReleases() throws Exception {
    SigningKey signingKey = SigningKey.generate();
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    area = new ReleaseArea(folder.resolve("releases"));
    for (int version = 1; version <= 3; version++) {
      EvaluationVerdict verdict =
          TestVerdicts.passed(
              TestVerdicts.candidate(
                  store, KEY.toString(), "cand-" + version, version == 1 ? null : version - 1));
      SortedMap<String, Digest> files = new TreeMap<>();
      verdict
          .getCandidate()
          .getFileDigests()
          .forEach((name, hex) -> files.put(name, Digest.parse(hex)));
      area.write(
          ManifestFactory.create(verdict, KEY, version, files, signingKey.keyId(), TestVerdicts.AT),
          store,
          signingKey);
    }
    publicKey = Files.writeString(folder.resolve("public-key.pem"), signingKey.publicKeyPem());
  }

  private record Run(int exitCode, String out) {}

  /** {@code releases verify [KEY]} with the publisher's public key pinned. */
  private Run verify(String... key) {
    List<String> args = new ArrayList<>(List.of("releases", "verify"));
    args.addAll(List.of(key));
    args.addAll(
        List.of("--release-path", area.root().toString(), "--public-key", publicKey.toString()));
    PerennialConsole console = new PerennialConsole();
    int exitCode = console.run(args.toArray(String[]::new));
    return new Run(exitCode, console.out() + console.err());
  }

  @Test
  void aReleaseFolderRemovedBelowTheKeysNewestFailsTheKeyAndTheArea() {
    Folders.deleteRecursively(area.folder(KEY, 2));

    Run all = verify();
    Run key = verify(KEY.toString());

    assertThat(all.exitCode()).as(all.out()).isEqualTo(1);
    assertThat(all.out())
        .contains("OK      acme/support v1")
        .contains("FAILED  acme/support v2")
        .contains("the release folder is missing, though the key has v3")
        .contains("OK      acme/support v3")
        .endsWith("3 releases verified, 1 failed\n");
    assertThat(key.exitCode()).as(key.out()).isEqualTo(1);
    assertThat(key.out()).contains("FAILED  acme/support v2");
  }

  @Test
  void anEntryBesideTheVersionFoldersIsAStray() throws Exception {
    // A signed release copied under a name no version has: nothing verifies or serves it.
    Path copy = Files.createDirectories(area.root().resolve("acme/support/v01"));
    try (var files = Files.list(area.folder(KEY, 1))) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName()));
      }
    }
    Files.writeString(area.root().resolve("acme/support/adapter_model.safetensors"), "x");

    Run run = verify();

    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(run.out())
        .contains("OK      acme/support v3")
        .contains("STRAY   acme/support/adapter_model.safetensors: not a version folder")
        .contains("STRAY   acme/support/v01: not a version folder")
        .endsWith("3 releases verified, 0 failed, 2 stray (no release of a valid key)\n");
  }
}
