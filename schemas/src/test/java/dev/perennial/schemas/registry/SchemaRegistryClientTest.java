package dev.perennial.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the client handles HTTP: retries, error answers, authentication and caching. A scripted
 * loopback server gives the answers a real registry cannot be made to give on demand (5xx,
 * garbage); the client against the real registry is tested in SchemaRegistryClientIT.
 */
class SchemaRegistryClientTest {

  static {
    // core's jetty-http-spi registers Jetty as the JDK HttpServer provider; Jetty refuses an
    // encoded
    // '/' in a path (ambiguous separator) before any handler sees it, and this test is about how
    // the
    // client encodes subjects, so the fake registry is the JDK's own server, which passes it on.
    System.setProperty(
        "com.sun.net.httpserver.HttpServerProvider",
        "sun.net.httpserver.DefaultHttpServerProvider");
  }

  private static final Schema SCHEMA =
      SchemaBuilder.record("Ping").namespace("test").fields().requiredString("id").endRecord();

  private HttpServer server;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private record Answer(int status, String body) {}

  private record Request(String method, String path, String authorization) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            exchange.getRequestHeaders().getFirst("Authorization")));
    Answer answer = script.isEmpty() ? new Answer(500, "script exhausted") : script.poll();
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private SchemaRegistryClient client(Optional<String> userInfo) {
    return new SchemaRegistryClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/"),
        userInfo,
        3,
        Duration.ofMillis(1));
  }

  @Test
  void serverErrorsAreRetriedAndThenSucceed() {
    script.add(new Answer(503, "busy"));
    script.add(new Answer(502, "<html>bad gateway</html>"));
    script.add(new Answer(200, "{\"id\":11}"));

    assertThat(client(Optional.empty()).register("pings-value", SCHEMA)).isEqualTo(11);
    assertThat(requests).hasSize(3);
  }

  @Test
  void serverErrorsStopAfterTheLastAttemptWithTheStatus() {
    script.add(new Answer(503, "busy"));
    script.add(new Answer(503, "busy"));
    script.add(new Answer(500, "{\"error_code\":50001,\"message\":\"store failed\"}"));

    assertThatThrownBy(() -> client(Optional.empty()).register("pings-value", SCHEMA))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(50001);
              assertThat(e).hasMessageContaining("store failed");
            });
    assertThat(requests).hasSize(3);
  }

  @Test
  void clientErrorsAreNeverRetried() {
    script.add(new Answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));

    assertThatThrownBy(() -> client(Optional.empty()).register("pings-value", SCHEMA))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_SCHEMA));
    assertThat(requests).hasSize(1);
  }

  @Test
  void notFoundAnswersBecomeSchemaNotFoundWithTheirCode() {
    script.add(new Answer(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}"));

    assertThatThrownBy(() -> client(Optional.empty()).schemaById(99))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
              assertThat(e).hasMessageContaining("GET").hasMessageContaining("/schemas/ids/99");
            });
  }

  @Test
  void aNotFoundWithoutARegistryErrorCodeIsAnOutageNotAnUnknownSchema() {
    // What a proxy, or a registry asked on a path that is not its Confluent API, answers.
    script.add(new Answer(404, ""));
    script.add(new Answer(404, "<html>404 Not Found</html>"));
    SchemaRegistryClient client = client(Optional.empty());

    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> client.schemaById(7))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e -> {
                assertThat(e).isNotInstanceOf(SchemaNotFoundException.class);
                assertThat(e.unavailable()).isTrue();
              });
    }
    assertThat(client.outage()).isPresent();
  }

  @Test
  void conflictAnswersBecomeIncompatibleSchema() {
    script.add(new Answer(409, "{\"error_code\":409,\"message\":\"incompatible\"}"));

    assertThatThrownBy(() -> client(Optional.empty()).register("pings-value", SCHEMA))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
  }

  @Test
  void anAnswerThatIsNotJsonIsReportedNotParsedAsNull() {
    script.add(new Answer(200, "<html>login</html>"));

    assertThatThrownBy(() -> client(Optional.empty()).schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void anAnswerWithoutTheExpectedFieldIsReportedByName() {
    script.add(new Answer(200, "{\"version\":1}"));

    assertThatThrownBy(() -> client(Optional.empty()).register("pings-value", SCHEMA))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("no integer id");
  }

  @Test
  void anUnreachableRegistryFailsAfterBoundedRetriesWithoutAStatus() {
    int port = server.getAddress().getPort();
    server.stop(0);
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            URI.create("http://127.0.0.1:" + port), Optional.empty(), 2, Duration.ofMillis(1));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE));
  }

  @Test
  void basicAuthenticationSendsTheUserInfo() {
    script.add(new Answer(200, "{\"schema\":" + quoted(SCHEMA.toString()) + "}"));

    client(Optional.of("alice:s3cret")).schemaById(5);

    assertThat(requests.get(0).authorization())
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void schemasAreFetchedByIdOnceAndSubjectsAreEncodedInThePath() {
    script.add(new Answer(200, "{\"schema\":" + quoted(SCHEMA.toString()) + "}"));
    script.add(new Answer(200, "{\"id\":5}"));
    SchemaRegistryClient client = client(Optional.empty());

    assertThat(client.schemaById(5)).isEqualTo(SCHEMA);
    assertThat(client.schemaById(5)).isEqualTo(SCHEMA);
    assertThat(client.register("a b/c-value", SCHEMA)).isEqualTo(5);
    assertThat(client.register("a b/c-value", SCHEMA)).isEqualTo(5);

    assertThat(requests)
        .extracting(Request::method, Request::path)
        .containsExactly(
            tuple("GET", "/apis/ccompat/v7/schemas/ids/5"),
            tuple("POST", "/apis/ccompat/v7/subjects/a%20b%2Fc-value/versions"));
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
