package dev.perennial.publisher.api;

import com.sun.net.httpserver.HttpServer;
import dev.perennial.publisher.PublisherException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port serving stacks reach (JDK {@code com.sun.net.httpserver}): the read-only {@link
 * PublisherApi} and nothing else, so a sidecar's network access cannot move aliases or scrape
 * metrics.
 */
public final class ReadApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReadApiServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private ReadApiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts listening; port 0 picks a free port ({@link #port()} tells which). */
  public static ReadApiServer start(String host, int port, PublisherApi api) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new PublisherException(
          "Cannot listen for read API requests on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread = new Thread(runnable, "perennial-publisher-api");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", api);
    server.start();
    ReadApiServer started = new ReadApiServer(server, executor);
    log.info(
        "Read API listens on http://{}:{}{}adapters", host, started.port(), PublisherApi.PREFIX);
    return started;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
