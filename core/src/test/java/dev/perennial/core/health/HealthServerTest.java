package dev.perennial.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.perennial.core.http.BoundedHttpServer;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.testing.HalfOpenConnections;
import dev.perennial.core.testing.TricklingConnections;
import io.micrometer.core.instrument.FunctionCounter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Each test starts its own server on a free port, and the slow ones mostly wait out the server's
 * header, body and idle timeouts (the production values), so the tests run side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
class HealthServerTest {

  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicReference<Readiness> readiness =
      new AtomicReference<>(Readiness.notReady("streams REBALANCING"));
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final AtomicReference<Optional<String>> serviceFailure =
      new AtomicReference<>(Optional.empty());
  private ServiceMetrics metrics;
  private HealthServer server;

  @BeforeEach
  void start() {
    metrics = ServiceMetrics.create("ingest");
    metrics.registry().counter("perennial.examples.written").increment(3);
    server =
        HealthServer.start(
            "127.0.0.1", 0, metrics.registry(), this::checkReadiness, serviceFailure::get);
  }

  private Readiness checkReadiness() {
    if (failure.get() != null) {
      throw failure.get();
    }
    return readiness.get();
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void metricsAreServedInPrometheusTextFormatWithTheServiceTag() throws Exception {
    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("perennial_examples_written_total{service=\"ingest\"} 3.0")
        .contains("jvm_memory_used_bytes{");
  }

  @Test
  void clientsThatSendHalfAHeaderAndStopBlockNoOtherRequest() throws Exception {
    // more than the server has threads: reading a request holds none while bytes trickle in
    try (HalfOpenConnections slow =
        HalfOpenConnections.open(
            "/health/live", BoundedHttpServer.MAX_THREADS + 4, server.port())) {
      HttpResponse<String> live =
          send(HttpRequest.newBuilder(uri("/health/live")).timeout(Duration.ofSeconds(30)).build());

      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("UP\n");
    }
  }

  @Test
  void clientsThatTrickleAHeaderIntoEverySlotHoldItOnlyUntilTheHeaderTimeoutFreesIt()
      throws Exception {
    // a byte a second restarts the idle timeout: every connection slot stays taken unless the
    // server limits the time a request's header may take as a whole
    try (TricklingConnections slow =
        TricklingConnections.open(
            "/health/ready",
            BoundedHttpServer.MAX_CONNECTIONS,
            server.port(),
            Duration.ofSeconds(1))) {
      // a generous bound (three idle timeouts) that the trickle outlasts unless slots are freed
      HttpResponse<String> ready =
          send(
              HttpRequest.newBuilder(uri("/health/ready"))
                  .timeout(BoundedHttpServer.IDLE_TIMEOUT.multipliedBy(3))
                  .build());

      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEqualTo("DOWN streams REBALANCING\n");
    }
  }

  @Test
  void clientsThatTrickleABodyIntoAHandlerReadingItHoldItsThreadOnlyUntilTheBodyTimeoutFreesIt()
      throws Exception {
    // as the publisher's alias moves read theirs: a handler reading a body blocks its thread while
    // the body arrives, and a byte a second restarts the idle timeout
    server.route("/v1/", HealthServerTest::echoBody);

    try (TricklingConnections slow =
        TricklingConnections.openBodies(
            "/v1/aliases/prod",
            64 * 1024,
            BoundedHttpServer.MAX_THREADS + 4,
            server.port(),
            Duration.ofSeconds(1))) {
      // a generous bound (three idle timeouts) that the trickle outlasts unless threads are freed
      HttpResponse<String> live =
          send(
              HttpRequest.newBuilder(uri("/health/live"))
                  .timeout(BoundedHttpServer.IDLE_TIMEOUT.multipliedBy(3))
                  .build());

      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("UP\n");
    }
  }

  @Test
  void aBodyThatArrivesInPartsWithinTheBodyTimeoutIsReadWhole() throws Exception {
    server.route("/v1/", HealthServerTest::echoBody);

    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/aliases/prod HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                  + "Content-Length: 14\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      for (String part : new String[] {"{\"rele", "ase\": ", "7}"}) {
        out.flush();
        Thread.sleep(1000);
        out.write(part.getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n{\"release\": 7}");
    }
  }

  /** Reads the request's body (as the publisher's alias moves do) and answers it back. */
  private static void echoBody(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readNBytes(64 * 1024 + 1);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Test
  void aRequestBeingAnsweredIsNotCutOffHoweverLongPastTheHeaderTimeoutItsHandlerTakes()
      throws Exception {
    // as the publisher's alias moves wait for its loop: the body arrives after the header, then
    // nothing more for longer than a header may take
    server.route(
        "/v1/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Thread.sleep(BoundedHttpServer.REQUEST_HEADER_TIMEOUT.plusSeconds(2).toMillis());
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });

    HttpResponse<String> moved =
        send(
            HttpRequest.newBuilder(uri("/v1/aliases/prod"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"release\": 7}"))
                .build());

    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.body()).isEqualTo("{\"release\": 7}");
  }

  @Test
  void livenessIsUpWhileTheServiceWorksAndDownOnceItHasFailed() throws Exception {
    HttpResponse<String> working = get("/health/live");
    serviceFailure.set(Optional.of("Kafka Streams ERROR"));
    HttpResponse<String> failed = get("/health/live");

    assertThat(working.statusCode()).isEqualTo(200);
    assertThat(working.body()).isEqualTo("UP\n");
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.body()).isEqualTo("DOWN Kafka Streams ERROR\n");
  }

  @Test
  void readinessFollowsTheServicesOwnCheck() throws Exception {
    HttpResponse<String> notReady = get("/health/ready");
    readiness.set(Readiness.ready("streams RUNNING"));
    HttpResponse<String> ready = get("/health/ready");

    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).isEqualTo("DOWN streams REBALANCING\n");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("UP streams RUNNING\n");
  }

  @Test
  void aReadinessCheckThatFailsOrAnswersNothingMeansNotReady() throws Exception {
    failure.set(new IllegalStateException("store closed"));
    HttpResponse<String> failed = get("/health/ready");
    failure.set(null);
    readiness.set(null);
    HttpResponse<String> nothing = get("/health/ready");

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.body()).startsWith("DOWN").contains("store closed");
    assertThat(nothing.statusCode()).isEqualTo(503);
    assertThat(nothing.body()).startsWith("DOWN");
  }

  @Test
  void unknownPathsAndOtherMethodsAreRefused() throws Exception {
    HttpResponse<String> unknown = get("/health/readyz");
    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void aServiceRoutesItsOwnPathsBesideHealthAndMetrics() throws Exception {
    server.route(
        "/v1/",
        exchange -> {
          byte[] body = ("own " + exchange.getRequestMethod()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(201, body.length);
          try (exchange) {
            exchange.getResponseBody().write(body);
          }
        });

    HttpResponse<String> own =
        send(
            HttpRequest.newBuilder(uri("/v1/things"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    HttpResponse<String> live = get("/health/live");

    assertThat(own.statusCode()).isEqualTo(201);
    assertThat(own.body()).isEqualTo("own POST");
    assertThat(live.body()).isEqualTo("UP\n");
    assertThatThrownBy(() -> server.route("/health/", exchange -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRequestWithAMalformedEscapeInItsQueryIsABadRequestNotAnEmptySuccess() throws Exception {
    // Jetty accepts these targets; java.net.URI, which the handlers read, refuses them
    for (String target :
        new String[] {"/health/live?x=%zz", "/health/ready?%", "/metrics?name=%e", "/v1/x?a=%g1"}) {
      String response = rawGet(target);

      assertThat(response).as(target).startsWith("HTTP/1.1 400 ");
      assertThat(response).as(target).doesNotContain("Exception").doesNotContain("at java.");
    }
  }

  @Test
  void anEndpointThatThrowsIsAServerErrorWithAShortJsonBodyNotAnEmptySuccess() throws Exception {
    // a meter whose function fails (its store closed) makes the scrape itself throw
    FunctionCounter.builder(
            "perennial.store.reads",
            this,
            self -> {
              throw new IllegalStateException("store closed: /var/lib/perennial/secret");
            })
        .register(metrics.registry());

    String response = rawGet("/metrics");

    assertThat(response).startsWith("HTTP/1.1 500 ");
    assertThat(response).containsIgnoringCase("Content-Type: application/json; charset=utf-8");
    assertThat(response)
        .endsWith("\r\n\r\n{\"status\": 500, \"error\": \"Internal server error\"}\n");
  }

  @Test
  void everyResponseTellsBrowsersNotToSniffItsContentType() throws Exception {
    server.route(
        "/v1/",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(204, -1);
          }
        });
    FunctionCounter.builder(
            "perennial.store.reads",
            this,
            self -> {
              throw new IllegalStateException("store closed");
            })
        .register(metrics.registry()); // so /metrics answers 500

    for (String target :
        new String[] {
          "/health/live",
          "/health/ready",
          "/metrics",
          "/nothing",
          "/v1/things",
          "/health/live?x=%zz"
        }) {
      assertThat(rawGet(target)).as(target).containsIgnoringCase("X-Content-Type-Options: nosniff");
    }
    assertThat(
            send(HttpRequest.newBuilder(uri("/metrics")).DELETE().build())
                .headers()
                .firstValue("X-Content-Type-Options"))
        .hasValue("nosniff");
    // a header larger than the server takes, a header line that is none: Jetty answers on its own
    String tooLarge = rawGet("/health/live", "X-Big: " + "b".repeat(16 * 1024) + "\r\n");
    String malformed = rawGet("/health/live", "no colon in this line\r\n");
    assertThat(tooLarge)
        .startsWith("HTTP/1.1 431 ")
        .containsIgnoringCase("X-Content-Type-Options: nosniff");
    assertThat(malformed)
        .startsWith("HTTP/1.1 400 ")
        .containsIgnoringCase("X-Content-Type-Options: nosniff");
  }

  /** The whole response to one GET of {@code target}, sent as is (no client checks it). */
  private String rawGet(String target) throws IOException {
    return rawGet(target, "");
  }

  /** The same, with {@code headers} (each ending in CRLF) added. */
  private String rawGet(String target, String headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + target
                  + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                  + headers
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
