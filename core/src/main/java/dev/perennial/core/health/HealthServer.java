package dev.perennial.core.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.http.BoundedHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one small HTTP server every service exposes (a {@link BoundedHttpServer}: a slow client
 * cannot block it):
 *
 * <ul>
 *   <li>{@code GET /metrics}: the Prometheus scrape of the service's registry;
 *   <li>{@code GET /health/live}: 200 while the service works, 503 naming why once it has failed on
 *       its own (its loop or Streams client died: a restart is the cure);
 *   <li>{@code GET /health/ready}: 200 when the service's readiness says so, 503 otherwise (also
 *       when the readiness check itself fails).
 * </ul>
 *
 * <p>An endpoint that throws (a meter whose function fails the scrape) answers 500 with a short
 * JSON error, the exception only in the log.
 *
 * <p>A service may serve its own endpoints on the same port ({@link #route}), as the publisher does
 * with its release API.
 */
public final class HealthServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";
  private static final String INTERNAL_ERROR =
      "{\"status\": 500, \"error\": \"Internal server error\"}\n";

  private static final String METRICS = "/metrics";
  private static final String LIVE = "/health/live";
  private static final String READY = "/health/ready";

  private final PrometheusMeterRegistry registry;
  private final Supplier<Readiness> readiness;
  private final Supplier<Optional<String>> failure;
  private BoundedHttpServer server;

  private HealthServer(
      PrometheusMeterRegistry registry,
      Supplier<Readiness> readiness,
      Supplier<Optional<String>> failure) {
    this.registry = registry;
    this.readiness = readiness;
    this.failure = failure;
  }

  /** Starts on the configured {@code perennial.http.host} and {@code perennial.http.port}. */
  public static HealthServer start(
      PerennialConfig config,
      PrometheusMeterRegistry registry,
      Supplier<Readiness> readiness,
      Supplier<Optional<String>> failure) {
    return start(config.httpHost(), config.httpPort(), registry, readiness, failure);
  }

  /**
   * Starts listening; port 0 picks a free port ({@link #port()} tells which).
   *
   * @param failure why the service stopped working on its own, or empty while it works
   */
  public static HealthServer start(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      Supplier<Readiness> readiness,
      Supplier<Optional<String>> failure) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(failure, "failure");
    HealthServer health = new HealthServer(registry, readiness, failure);
    health.server =
        BoundedHttpServer.start(
                "perennial-health",
                host,
                port,
                exchange -> health.handle(exchange, null, health::notFound))
            .route(METRICS, exchange -> health.handle(exchange, METRICS, health::metrics))
            .route(LIVE, exchange -> health.handle(exchange, LIVE, health::live))
            .route(READY, exchange -> health.handle(exchange, READY, health::ready));
    log.info("Health and metrics endpoints listen on http://{}:{}", host, health.port());
    return health;
  }

  public int port() {
    return server.port();
  }

  /**
   * Serves every request whose path starts with {@code pathPrefix} (for example {@code /v1/}) with
   * {@code handler}, which answers every method itself. The health and metrics paths stay as they
   * are.
   */
  public HealthServer route(String pathPrefix, HttpHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (pathPrefix == null
        || !pathPrefix.startsWith("/")
        || pathPrefix.equals("/")
        || pathPrefix.startsWith("/metrics")
        || pathPrefix.startsWith("/health")) {
      throw new IllegalArgumentException(
          "Not a path a service may route: " + pathPrefix + " (taken or not absolute)");
    }
    server.route(pathPrefix, handler);
    return this;
  }

  @Override
  public void close() {
    server.close();
  }

  private record Response(int status, String contentType, String body) {}

  private interface Handler {
    Response respond();
  }

  /** Answers with {@code handler} when the path is exactly {@code path}, else 404. */
  private void handle(HttpExchange exchange, String path, Handler handler) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Response response;
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        response = new Response(405, PLAIN_TEXT, "Method " + method + " not allowed\n");
      } else if (path == null || exchange.getRequestURI().getPath().equals(path)) {
        response = respond(exchange, handler);
      } else {
        response = notFound();
      }
      byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(method)) {
        exchange.sendResponseHeaders(response.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(response.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (RuntimeException e) {
      log.error("Health endpoint {} failed", exchange.getRequestURI(), e);
      throw e;
    }
  }

  /**
   * What {@code handler} answers, or 500 when it throws: decided before anything is sent, since
   * closing the exchange unanswered would send an empty 200. The body says no more than that (the
   * log has the rest).
   */
  private static Response respond(HttpExchange exchange, Handler handler) {
    try {
      return handler.respond();
    } catch (RuntimeException e) {
      log.error("Health endpoint {} failed", exchange.getRequestURI().getPath(), e);
      return new Response(500, JSON, INTERNAL_ERROR);
    }
  }

  private Response metrics() {
    return new Response(200, PROMETHEUS_TEXT, registry.scrape(PROMETHEUS_TEXT));
  }

  private Response live() {
    Optional<String> failed;
    try {
      failed = failure.get();
    } catch (RuntimeException e) {
      log.warn("Liveness check failed", e);
      return new Response(503, PLAIN_TEXT, "DOWN liveness check failed: " + e + "\n");
    }
    return failed
        .map(why -> new Response(503, PLAIN_TEXT, "DOWN " + why + "\n"))
        .orElseGet(() -> new Response(200, PLAIN_TEXT, "UP\n"));
  }

  private Response ready() {
    Readiness state;
    try {
      state = readiness.get();
    } catch (RuntimeException e) {
      log.warn("Readiness check failed", e);
      return new Response(503, PLAIN_TEXT, "DOWN readiness check failed: " + e + "\n");
    }
    if (state == null) {
      return new Response(503, PLAIN_TEXT, "DOWN readiness check returned nothing\n");
    }
    String line =
        (state.ready() ? "UP" : "DOWN") + (state.detail().isEmpty() ? "" : " " + state.detail());
    return new Response(state.ready() ? 200 : 503, PLAIN_TEXT, line + "\n");
  }

  private Response notFound() {
    return new Response(
        404, PLAIN_TEXT, "Not found; try /metrics, /health/live or /health/ready\n");
  }
}
