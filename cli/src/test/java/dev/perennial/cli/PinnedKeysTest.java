package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ManifestFactory;
import dev.perennial.publisher.release.RegistryRebuild;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code releases list|show} check the manifests they show with: the pinned keys {@code
 * releases verify} uses, screened as the publisher's start screens them.
 */
class PinnedKeysTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  private final SigningKey signingKey = SigningKey.generate();
  private ReleaseRegistry registry;

  /** v1 and v2 written as the publisher writes them, then v2's manifest rewritten. */
  @BeforeEach
  void writeTwoReleasesAndForgeTheSecond() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    ReleaseArea area = new ReleaseArea(folder.resolve("releases"));
    for (int version = 1; version <= 2; version++) {
      EvaluationVerdict verdict =
          TestVerdicts.passed(
              TestVerdicts.candidate(
                  store, KEY.toString(), "cand-" + version, version == 1 ? null : 1));
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
    Path manifest = area.folder(KEY, 2).resolve("manifest.json");
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(manifest));
    ((ObjectNode) tree.path("candidate")).put("location", "sha256:" + "f".repeat(64));
    Files.write(manifest, Json.MAPPER.writeValueAsBytes(tree));
    registry = RegistryRebuild.rebuild(area.scan(false), Map.of()).registry();
  }

  @Test
  void aReleaseWhoseManifestDoesNotVerifyWithAPinnedKeyIsQuarantined() {
    String body =
        signingKey.publicKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    StringWriter out = new StringWriter();

    ReleaseRegistry screened =
        PinnedKeys.screen(
            registry,
            Map.of(
                PublisherConfig.TRUSTED_KEYS_CONFIG,
                body,
                // read as list and show read the configuration; nothing connects here
                "bootstrap.servers",
                "localhost:9092",
                "schema.registry.url",
                "http://localhost:8081"),
            new PrintWriter(out));

    assertThat(screened.quarantined(KEY)).containsOnlyKeys(2);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void withoutAPinnedKeyNothingIsMarkedAndTheOutputSaysManifestsWereNotChecked() {
    StringWriter out = new StringWriter();

    ReleaseRegistry screened = PinnedKeys.screen(registry, Map.of(), new PrintWriter(out));

    assertThat(screened.quarantined()).isEmpty();
    assertThat(out.toString()).contains("Manifests not checked");
  }
}
