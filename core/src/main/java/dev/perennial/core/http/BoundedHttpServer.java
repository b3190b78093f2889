package dev.perennial.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one kind of HTTP server Perennial runs ({@code /metrics} and {@code /health/*} of every
 * service, the publisher's release API), which a slow or hostile client cannot block: Jetty reads
 * requests without holding a thread while bytes trickle in, a connection idle for {@link
 * #IDLE_TIMEOUT} (half a header sent, then nothing) is closed, and so is one whose request header
 * has not arrived whole {@link #REQUEST_HEADER_TIMEOUT} after it began (a byte every few seconds,
 * which the idle timeout does not end); a handler reading a request body that has not arrived whole
 * {@link #REQUEST_BODY_TIMEOUT} after its header fails to read it (an {@code IOException}), so a
 * body trickled in does not hold a server thread for longer; at most {@link #MAX_CONNECTIONS}
 * connections are open at once and at most {@link #MAX_THREADS} threads serve them. Handlers are
 * JDK {@link HttpHandler}s (through Jetty's {@code com.sun.net.httpserver} bridge), routed by the
 * longest matching path prefix. A request whose URI Jetty accepts but {@link java.net.URI} refuses
 * (a malformed escape in the query) is answered 400 here, before any handler. Every response,
 * Jetty's own errors included, carries {@code X-Content-Type-Options: nosniff}.
 */
public final class BoundedHttpServer implements AutoCloseable {

  /** A connection that sends nothing for this long, mid-request or between requests, is closed. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A connection whose request header has not arrived whole this long after its first byte is
   * closed (checked once a second), so that clients trickling bytes cannot hold every connection
   * slot. Honest clients send a header in one go; a request being answered is not timed.
   */
  public static final Duration REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A request body not arrived whole this long after its header fails to be read, once the handler
   * reading it would wait for more (checked then), so that clients trickling a body into a handler
   * that reads it cannot hold the server's threads; the connection is then closed. A body already
   * received is read whole however late, and a handler is not timed once it has read it.
   */
  public static final Duration REQUEST_BODY_TIMEOUT = Duration.ofSeconds(10);

  /** Connections open at once; more wait in the accept queue. */
  public static final int MAX_CONNECTIONS = 64;

  /** Threads that serve requests (and accept and select). */
  public static final int MAX_THREADS = 16;

  private static final int MAX_HEADER_BYTES = 8 * 1024;

  private static final String NO_SNIFF = "X-Content-Type-Options";

  private static final String BAD_REQUEST =
      "{\"status\": 400, \"error\": \"Bad request: the URI is malformed\"}\n";

  private final Server server;
  private final ServerConnector connector;
  private final Map<String, HttpHandler> routes = new ConcurrentSkipListMap<>();
  private final HttpHandler fallback;

  private BoundedHttpServer(Server server, ServerConnector connector, HttpHandler fallback) {
    this.server = server;
    this.connector = connector;
    this.fallback = fallback;
  }

  /**
   * Starts listening on {@code host}:{@code port} (0 picks a free port, {@link #port()} tells
   * which).
   *
   * @param name names the server's threads ({@code <name>-http-...})
   * @param fallback answers requests no route matches
   * @throws PerennialException when it cannot listen
   */
  public static BoundedHttpServer start(String name, String host, int port, HttpHandler fallback) {
    Objects.requireNonNull(fallback, "fallback");
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
    threads.setName(name + "-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
    server.addBean(
        new RequestHeaderDeadline(connector, server.getScheduler(), REQUEST_HEADER_TIMEOUT));
    server.setHandler(
        new NoSniff(new RequestBodyDeadline(new ContextHandlerCollection(), REQUEST_BODY_TIMEOUT)));
    server.setErrorHandler(new NoSniffErrors());
    BoundedHttpServer bounded = new BoundedHttpServer(server, connector, fallback);
    // Shared: the bridge only adds the context; the server and its connector are ours.
    new JettyHttpServer(server, true).createContext("/", bounded::dispatch);
    try {
      server.start();
    } catch (Exception e) {
      bounded.close();
      throw new PerennialException(
          "Cannot listen for HTTP requests on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return bounded;
  }

  /**
   * Serves every request whose path starts with {@code pathPrefix} with {@code handler} (the
   * longest matching prefix wins).
   */
  public BoundedHttpServer route(String pathPrefix, HttpHandler handler) {
    routes.put(Objects.requireNonNull(pathPrefix, "pathPrefix"), handler);
    return this;
  }

  public int port() {
    return connector.getLocalPort();
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    String path;
    try {
      path = exchange.getRequestURI().getRawPath();
    } catch (IllegalArgumentException e) {
      // Jetty lets some targets through (a malformed escape in the query, ?x=%zz) that
      // java.net.URI, which every handler reads, refuses: answered here, never as an empty 200
      badRequest(exchange);
      return;
    }
    HttpHandler chosen = fallback;
    int longest = -1;
    for (Map.Entry<String, HttpHandler> route : routes.entrySet()) {
      if (path != null && path.startsWith(route.getKey()) && route.getKey().length() > longest) {
        chosen = route.getValue();
        longest = route.getKey().length();
      }
    }
    chosen.handle(exchange);
  }

  private static void badRequest(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = BAD_REQUEST.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(400, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /**
   * Adds {@code X-Content-Type-Options: nosniff} to every response before any handler writes it: a
   * browser pointed at an endpoint takes the body as the type it is sent as, never as HTML.
   */
  private static final class NoSniff extends Handler.Wrapper {

    NoSniff(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      response.getHeaders().put(NO_SNIFF, "nosniff");
      return super.handle(request, response, callback);
    }
  }

  /**
   * The same header on the errors Jetty answers itself (a header too large, a malformed request).
   */
  private static final class NoSniffErrors extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      response.getHeaders().put(NO_SNIFF, "nosniff");
      return super.handle(request, response, callback);
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new PerennialException("Cannot stop the HTTP server: " + e.getMessage(), e);
    }
  }
}
