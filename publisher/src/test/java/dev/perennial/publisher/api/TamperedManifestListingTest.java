package dev.perennial.publisher.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.sign.IntegrityChecks;
import dev.perennial.publisher.testing.RewrittenManifests;
import dev.perennial.publisher.testing.TestVerdicts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
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

  @TempDir Path folder;

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
    RewrittenManifests area = new RewrittenManifests(folder, 2);
    // v1's evaluation rewritten on disk while the publisher was down
    area.rewrite(
        1, tree -> ((ObjectNode) tree.path("evaluation").path("metrics")).put("learning", 0.999));
    serve(area);

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

  @Test
  void theSummariesNameNoBaseThatOnlyARewrittenManifestClaims() throws Exception {
    RewrittenManifests area = new RewrittenManifests(folder, 2);
    // v2's base rewritten on disk while the publisher was down
    area.rewrite(
        2,
        tree ->
            ((ObjectNode) tree.path("baseModel"))
                .put("name", "forged-base")
                .put("digest", "sha256:" + "e".repeat(64)));
    serve(area);

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

  /** Serves the API over the registry a restarted publisher starts from. */
  private void serve(RewrittenManifests area) {
    ReleaseRegistry registry = area.restart();
    metrics = ServiceMetrics.create("publisher");
    server =
        HealthServer.start(
            "127.0.0.1", 0, metrics.registry(), () -> Readiness.ready(""), Optional::empty);
    server.route(
        PublisherApi.PREFIX,
        PublisherApi.readOnly(
            () -> registry, area.area(), new IntegrityChecks(area.pinned()), () -> "PEM"));
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
