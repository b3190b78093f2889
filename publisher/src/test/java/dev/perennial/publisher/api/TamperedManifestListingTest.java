package dev.perennial.publisher.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.VerdictProcessor;
import dev.perennial.publisher.release.RegistryRebuild;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.sign.IntegrityChecks;
import dev.perennial.publisher.sign.ManifestScreen;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterRelease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The list endpoints of a publisher restarted over a release area where a manifest was rewritten
 * (its signature no longer verifies): they say which version is quarantined instead of serving what
 * the rewritten manifest claims.
 */
class TamperedManifestListingTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final TenantPolicy POLICY = new TenantPolicy(true, RetractionPolicy.REPLACEMENT);

  @TempDir Path folder;

  private final SigningKey signingKey = SigningKey.generate();
  private final HttpClient client = HttpClient.newHttpClient();
  private ServiceMetrics metrics;
  private HealthServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  @Test
  void aVersionWhoseManifestWasRewrittenIsListedAsQuarantinedWithoutItsMetrics() throws Exception {
    ReleaseArea area = new ReleaseArea(folder.resolve("releases"));
    AdapterRelease latest = publishTwo(area);
    // v1's evaluation rewritten on disk while the publisher was down
    Path manifest = area.folder(KEY, 1).resolve("manifest.json");
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(manifest));
    ((ObjectNode) tree.path("evaluation").path("metrics")).put("learning", 0.999);
    Files.write(manifest, Json.MAPPER.writeValueAsBytes(tree));
    serve(RegistryRebuild.rebuild(area.scan(true), Map.of(KEY.toString(), latest)), area);

    JsonNode versions = get("/v1/adapters/acme/support/versions");
    JsonNode key = get("/v1/adapters/acme/support");

    for (JsonNode list : List.of(versions, key.get("versions"))) {
      JsonNode first = list.get(0);
      assertThat(first.path("version").intValue()).isEqualTo(1);
      assertThat(first.path("quarantined").asBoolean()).as("v1 marked quarantined").isTrue();
      assertThat(first.has("metrics")).as("the rewritten manifest's metrics").isFalse();
      assertThat(list.get(1).path("quarantined").asBoolean()).isFalse();
      assertThat(list.get(1).at("/metrics/learning").doubleValue()).isEqualTo(0.82);
    }
  }

  /** v1 and v2 of KEY published in {@code area} (v2 evaluated against v1); v2's last record. */
  private AdapterRelease publishTwo(ReleaseArea area) {
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    area.publishKey(signingKey);
    VerdictProcessor verdicts =
        new VerdictProcessor(
            area,
            store,
            signingKey,
            tenant -> POLICY,
            "pub",
            Clock.fixed(TestVerdicts.AT, ZoneOffset.UTC));
    ReleaseRegistry published = ReleaseRegistry.empty();
    AdapterRelease latest = null;
    for (int version = 1; version <= 2; version++) {
      Decision decision =
          verdicts.process(
              published,
              TestVerdicts.passed(
                  TestVerdicts.candidate(
                      store, KEY.toString(), "cand-" + version, version == 1 ? null : 1)));
      published = published.with(decision.state().orElseThrow());
      latest = decision.releases().get(decision.releases().size() - 1);
    }
    return latest;
  }

  @Test
  void theSummariesNameNoBaseThatOnlyARewrittenManifestClaims() throws Exception {
    ReleaseArea area = new ReleaseArea(folder.resolve("releases"));
    AdapterRelease latest = publishTwo(area);
    // v2's base rewritten on disk while the publisher was down
    Path manifest = area.folder(KEY, 2).resolve("manifest.json");
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(manifest));
    ((ObjectNode) tree.path("baseModel"))
        .put("name", "forged-base")
        .put("digest", "sha256:" + "e".repeat(64));
    Files.write(manifest, Json.MAPPER.writeValueAsBytes(tree));
    serve(RegistryRebuild.rebuild(area.scan(true), Map.of(KEY.toString(), latest)), area);

    JsonNode all = get("/v1/adapters").path("adapters").get(0);
    JsonNode key = get("/v1/adapters/acme/support");

    for (JsonNode summary : List.of(all, key)) {
      assertThat(summary.at("/baseModel/name").asText()).isEqualTo(TestVerdicts.BASE_MODEL);
      assertThat(summary.at("/baseModel/digest").asText())
          .isEqualTo("sha256:" + TestVerdicts.BASE_DIGEST);
      assertThat(summary.path("bases").findValuesAsText("name"))
          .containsExactly(TestVerdicts.BASE_MODEL);
    }
  }

  /** Serves the API over a rebuilt registry screened as PublisherService's start screens it. */
  private void serve(RegistryRebuild.Result rebuilt, ReleaseArea area) {
    ReleaseVerifier pinned = ReleaseVerifier.withPinnedKeys(List.of(signingKey.publicKey()));
    ReleaseRegistry registry = new ManifestScreen(pinned).screen(rebuilt.registry());
    metrics = ServiceMetrics.create("publisher");
    server =
        HealthServer.start(
            "127.0.0.1", 0, metrics.registry(), () -> Readiness.ready(""), Optional::empty);
    server.route(
        PublisherApi.PREFIX,
        PublisherApi.readOnly(() -> registry, area, new IntegrityChecks(pinned), () -> "PEM"));
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }
}
