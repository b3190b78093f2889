package dev.perennial.publisher.api;

import dev.perennial.core.http.BoundedHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port serving stacks reach (a {@link BoundedHttpServer}: a slow client cannot block it): the
 * read-only {@link PublisherApi} and nothing else, so a sidecar's network access cannot move
 * aliases or scrape metrics.
 */
public final class ReadApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReadApiServer.class);

  private final BoundedHttpServer server;

  private ReadApiServer(BoundedHttpServer server) {
    this.server = server;
  }

  /**
   * Starts listening; port 0 picks a free port ({@link #port()} tells which).
   *
   * @throws dev.perennial.core.PerennialException when it cannot listen
   */
  public static ReadApiServer start(String host, int port, PublisherApi api) {
    ReadApiServer started =
        new ReadApiServer(BoundedHttpServer.start("perennial-publisher-api", host, port, api));
    log.info(
        "Read API listens on http://{}:{}{}adapters", host, started.port(), PublisherApi.PREFIX);
    return started;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
