package dev.perennial.publisher.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.http.BoundedHttpServer;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.publisher.alias.AliasChangeRefusedException;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.config.AdminAccess;
import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.retract.RetractCommand;
import dev.perennial.publisher.retract.RetractionRefusedException;
import dev.perennial.publisher.sign.IntegrityChecks;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's routing, errors and admin checks; the releases it serves are covered by the IT. */
class PublisherApiTest {

  @TempDir Path folder;

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<AliasCommand> received = new ArrayList<>();
  private final List<RetractCommand> retractions = new ArrayList<>();
  private ServiceMetrics metrics;
  private HealthServer server;

  @BeforeEach
  void start() {
    ReleaseRegistry registry =
        ReleaseRegistry.empty()
            .with(
                ReleaseStates.published(
                    AdapterKey.parse("acme/support"),
                    2,
                    new TenantPolicy(true, RetractionPolicy.REPLACEMENT)))
            .with(upgraded());
    metrics = ServiceMetrics.create("publisher");
    server =
        HealthServer.start(
            "127.0.0.1", 0, metrics.registry(), () -> Readiness.ready(""), Optional::empty);
    server.route(
        PublisherApi.PREFIX,
        PublisherApi.withAdmin(
            () -> registry,
            new ReleaseArea(folder),
            new IntegrityChecks(ReleaseVerifier.withPinnedKeys(List.of())),
            () -> "PEM",
            command -> {
              received.add(command);
              throw new AliasChangeRefusedException(
                  AliasChangeRefusedException.Reason.RETRACTED, "v1 is retracted");
            },
            command -> {
              retractions.add(command);
              throw command.version() == 7
                  ? new RetractionRefusedException(
                      RetractionRefusedException.Reason.UNKNOWN_VERSION, "no v7")
                  : new RetractionRefusedException(
                      RetractionRefusedException.Reason.ALREADY_RETRACTED, "v1 is retracted");
            },
            AdminAccess.withToken("s3cret")));
  }

  /** acme/upgraded: v1 on perennial-tiny, v2 rebased onto perennial-tiny-2; stable on each. */
  private static KeyState upgraded() {
    AdapterKey key = AdapterKey.parse("acme/upgraded");
    KeyState state =
        AliasPolicy.afterPublish(
            KeyState.empty(key), ReleaseStates.release(key, 1, "c1", "perennial-tiny"), "stable");
    return AliasPolicy.afterPublish(
        state, ReleaseStates.release(key, 2, "c2", "perennial-tiny-2"), "stable");
  }

  @Test
  void readsAnswerForTheNewestBaseUnlessAnotherIsNamed() throws Exception {
    JsonNode key = Json.MAPPER.readTree(send(request("/v1/adapters/acme/upgraded")).body());
    JsonNode old =
        Json.MAPPER.readTree(
            send(request("/v1/adapters/acme/upgraded/versions?base=perennial-tiny")).body());
    JsonNode all =
        Json.MAPPER.readTree(send(request("/v1/adapters/acme/upgraded/versions?base=all")).body());
    HttpResponse<String> unknown = send(request("/v1/adapters/acme/upgraded/stable?base=llama-3"));

    assertThat(key.at("/baseModel/name").textValue()).isEqualTo("perennial-tiny-2");
    assertThat(key.at("/aliases/stable").intValue()).isEqualTo(2);
    assertThat(key.at("/bases/1/name").textValue()).isEqualTo("perennial-tiny");
    assertThat(key.at("/bases/1/aliases/stable").intValue()).isEqualTo(1);
    assertThat(key.get("versions")).hasSize(1);
    assertThat(old).hasSize(1);
    assertThat(old.at("/0/version").intValue()).isEqualTo(1);
    assertThat(old.at("/0/aliases/0").textValue()).isEqualTo("stable");
    assertThat(all).hasSize(2);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown))
        .contains("acme/upgraded has no release on base llama-3; its bases: perennial-tiny-2");
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  private static String error(HttpResponse<String> response) throws Exception {
    return error(response.body());
  }

  private static String error(String body) throws Exception {
    return Json.MAPPER.readTree(body).get("error").textValue();
  }

  @Test
  void keysAndTheirVersionsAreListed() throws Exception {
    HttpResponse<String> all = send(request("/v1/adapters"));
    HttpResponse<String> one = send(request("/v1/adapters/acme/support"));

    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(Json.MAPPER.readTree(all.body()).at("/adapters/0/aliases/stable").intValue())
        .isEqualTo(2);
    assertThat(Json.MAPPER.readTree(one.body()).at("/versions/1/aliases/0").textValue())
        .isEqualTo("stable");
  }

  @Test
  void unknownThingsAreNamedInA404() throws Exception {
    assertThat(error(send(request("/v1/adapters/acme/nope"))))
        .isEqualTo("No releases of acme/nope");
    assertThat(error(send(request("/v1/adapters/acme/support/versions/7"))))
        .isEqualTo("acme/support has no v7 (latest is v2)");
    assertThat(error(send(request("/v1/adapters/acme")))).contains("two parts");
    assertThat(send(request("/v1/other")).statusCode()).isEqualTo(404);
  }

  @Test
  void adminCallsNeedTheTokenAndAValidBody() throws Exception {
    String body = "{\"action\":\"promote\",\"version\":1,\"actor\":\"alice\",\"reason\":\"ok\"}";
    HttpResponse<String> anonymous =
        send(
            request("/v1/adapters/acme/support/aliases/stable")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> noReason =
        send(
            request("/v1/adapters/acme/support/aliases/stable")
                .header("Authorization", "Bearer s3cret")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"action\":\"promote\",\"version\":1,\"actor\":\"alice\"}")));
    HttpResponse<String> refused =
        send(
            request("/v1/adapters/acme/support/aliases/stable")
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> wrongMethod = send(request("/v1/adapters/acme/support/stable").DELETE());

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(error(noReason)).isEqualTo("reason is required: why the alias moves");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(error(refused)).isEqualTo("v1 is retracted");
    assertThat(received).singleElement().satisfies(c -> assertThat(c.actor()).isEqualTo("alice"));
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void aRetractionNeedsTheTokenAReasonAndAnAdminPortAndIsRefusedAs404Or409() throws Exception {
    String body = "{\"actor\":\"alice\",\"reason\":\"harmful answers\"}";
    server.route(
        "/v1/adapters/acme/closed",
        PublisherApi.withAdmin(
            ReleaseRegistry::empty,
            new ReleaseArea(folder),
            new IntegrityChecks(ReleaseVerifier.withPinnedKeys(List.of())),
            () -> "PEM",
            command -> {
              throw new AssertionError("no alias move without admin access");
            },
            command -> {
              throw new AssertionError("no retraction without admin access");
            },
            AdminAccess.closed()));
    server.route(
        "/v1/adapters/acme/read",
        PublisherApi.readOnly(
            ReleaseRegistry::empty,
            new ReleaseArea(folder),
            new IntegrityChecks(ReleaseVerifier.withPinnedKeys(List.of())),
            () -> "PEM"));

    HttpResponse<String> anonymous =
        send(
            request("/v1/adapters/acme/support/versions/1/retract")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> wrongToken =
        send(
            request("/v1/adapters/acme/support/versions/1/retract")
                .header("Authorization", "Bearer guess")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> closed =
        send(
            request("/v1/adapters/acme/closed/versions/1/retract")
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> readOnly =
        send(
            request("/v1/adapters/acme/read/versions/1/retract")
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> noReason =
        send(
            request("/v1/adapters/acme/support/versions/1/retract")
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString("{\"actor\":\"alice\"}")));
    HttpResponse<String> notAVersion =
        send(
            request("/v1/adapters/acme/support/versions/01/retract")
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> unknown =
        send(
            request("/v1/adapters/acme/support/versions/7/retract")
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> again =
        send(
            request("/v1/adapters/acme/support/versions/1/retract")
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    HttpResponse<String> wrongMethod =
        send(request("/v1/adapters/acme/support/versions/1/retract"));

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(wrongToken.statusCode()).isEqualTo(401);
    assertThat(closed.statusCode()).isEqualTo(403);
    assertThat(error(closed)).startsWith("Retractions are off: the publisher has no admin token");
    assertThat(readOnly.statusCode()).isEqualTo(405);
    assertThat(error(readOnly)).contains("retractions go to the publisher's admin port");
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(error(noReason)).isEqualTo("reason is required: why the release is retracted");
    assertThat(notAVersion.statusCode()).isEqualTo(404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown)).isEqualTo("no v7");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(error(again)).isEqualTo("v1 is retracted");
    assertThat(retractions)
        .extracting(RetractCommand::version, RetractCommand::actor, RetractCommand::reason)
        .containsExactly(
            tuple(7, "alice", "harmful answers"), tuple(1, "alice", "harmful answers"));
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void anAliasMoveWhoseBodyTricklesInPastTheBodyTimeoutIsARequestTimeoutAndMovesNothing()
      throws Exception {
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      // a generous bound (three idle timeouts) that the trickle outlasts unless the read is ended
      socket.setSoTimeout((int) BoundedHttpServer.IDLE_TIMEOUT.multipliedBy(3).toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/adapters/acme/support/aliases/stable HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: Bearer s3cret\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      trickle.scheduleWithFixedDelay(
          () -> {
            try {
              out.write(' ');
              out.flush();
            } catch (IOException e) {
              // the server closed the connection
            }
          },
          1,
          1,
          TimeUnit.SECONDS);

      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(response).startsWith("HTTP/1.1 408 ");
      assertThat(error(response.substring(response.indexOf("\r\n\r\n") + 4)))
          .isEqualTo("The request body did not arrive whole in time");
      assertThat(received).isEmpty();
    } finally {
      trickle.shutdownNow();
    }
  }

  @Test
  void aFailureInsideTheApiIsAShortFixedServerErrorThatNamesNoServerDetail() throws Exception {
    server.route(
        "/v1/adapters/acme/broken",
        PublisherApi.readOnly(
            () -> {
              throw new IllegalStateException(
                  "Cannot read /var/lib/perennial/releases/acme/broken/state.json");
            },
            new ReleaseArea(folder),
            new IntegrityChecks(ReleaseVerifier.withPinnedKeys(List.of())),
            () -> "PEM"));

    HttpResponse<String> broken = send(request("/v1/adapters/acme/broken"));

    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(broken.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(Json.MAPPER.readTree(broken.body()))
        .isEqualTo(Json.MAPPER.readTree("{\"status\": 500, \"error\": \"Internal server error\"}"));
  }

  @Test
  void aVersionIsOnlyItsDecimalNumber() throws Exception {
    // a fullwidth digit, a plus sign, a leading zero: Integer.parseInt reads each as v2; a number
    // past an int's range is no release either
    for (String version :
        new String[] {"%EF%BC%92", "%2B2", "02", "2%20", "2147483648", "99999999999999999999"}) {
      HttpResponse<String> response =
          send(request("/v1/adapters/acme/support/versions/" + version));

      assertThat(response.statusCode()).as(version).isEqualTo(404);
      assertThat(error(response)).as(version).startsWith("No version '");
    }
  }
}
