package dev.perennial.publisher.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.VerdictProcessor;
import dev.perennial.publisher.release.RegistryRebuild;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.sign.ManifestScreen;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterRelease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A release area where {@link #KEY}'s releases were published as the publisher publishes them
 * ({@link VerdictProcessor}, each evaluated against the one before), then a manifest was rewritten
 * on disk while the publisher was down (its signature no longer verifies), then the publisher
 * restarted: its registry rebuilt from the area and the key's latest {@code releases.v1} record,
 * and screened with the pinned key ({@link ManifestScreen}) as {@code PublisherService}'s start
 * does it.
 */
public final class RewrittenManifests {

  public static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final TenantPolicy POLICY = new TenantPolicy(true, RetractionPolicy.REPLACEMENT);

  private final SigningKey signingKey = SigningKey.generate();
  private final LocalArtifactStore store;
  private final ReleaseArea area;
  private final VerdictProcessor verdicts;
  private ReleaseRegistry published = ReleaseRegistry.empty();
  private AdapterRelease latest;

  /** An area and artifact store in {@code folder}, with {@code count} releases published. */
  public RewrittenManifests(Path folder, int count) {
    store = new LocalArtifactStore(folder.resolve("artifacts"));
    area = new ReleaseArea(folder.resolve("releases"));
    area.publishKey(signingKey);
    verdicts =
        new VerdictProcessor(
            area,
            store,
            signingKey,
            tenant -> POLICY,
            "pub",
            Clock.fixed(TestVerdicts.AT, ZoneOffset.UTC));
    for (int version = 1; version <= count; version++) {
      Decision decision =
          verdicts.process(
              published,
              TestVerdicts.passed(
                  TestVerdicts.candidate(
                      store,
                      KEY.toString(),
                      "cand-" + version,
                      version == 1 ? null : version - 1)));
      published = published.with(decision.state().orElseThrow());
      latest = decision.releases().get(decision.releases().size() - 1);
    }
  }

  /** The registry as published, before any restart. */
  public ReleaseRegistry published() {
    return published;
  }

  /** The key's latest {@code releases.v1} record. */
  public AdapterRelease latest() {
    return latest;
  }

  public ReleaseArea area() {
    return area;
  }

  public LocalArtifactStore store() {
    return store;
  }

  /** The processor that published them, for verdicts after a restart. */
  public VerdictProcessor verdicts() {
    return verdicts;
  }

  public SigningKey signingKey() {
    return signingKey;
  }

  /** A verifier that trusts the signing key alone, as configuration pins it. */
  public ReleaseVerifier pinned() {
    return ReleaseVerifier.withPinnedKeys(List.of(signingKey.publicKey()));
  }

  /** Rewrites {@code version}'s manifest.json on disk (its manifest.sig stays). */
  public void rewrite(int version, Consumer<ObjectNode> edit) {
    Path manifest = area.folder(KEY, version).resolve("manifest.json");
    try {
      ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(manifest));
      edit.accept(tree);
      Files.write(manifest, Json.MAPPER.writeValueAsBytes(tree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rebuilt from the area and the latest record, unscreened. */
  public RegistryRebuild.Result rebuild() {
    return RegistryRebuild.rebuild(area.scan(true), Map.of(KEY.toString(), latest));
  }

  /** The registry a restarted publisher starts from: rebuilt, then screened. */
  public ReleaseRegistry restart() {
    return new ManifestScreen(pinned()).screen(rebuild().registry());
  }
}
