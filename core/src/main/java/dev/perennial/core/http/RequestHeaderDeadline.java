package dev.perennial.core.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request has been arriving for longer than a limit without its header
 * being complete: the bound on a slow-trickle client that the idle timeout, restarted by every
 * byte, is not.
 *
 * <p>Once a second it reads each connection's counters (Jetty's public {@link Connection} API):
 * request headers completed, responses begun, bytes received. A connection that answers nothing (as
 * many responses begun as headers completed) and has received bytes since its last header completed
 * or its last response began is taking a request in; once that has gone on for the limit, it is
 * closed (within a tick past it). A request being answered (a slow handler, a body it reads) is not
 * timed.
 */
final class RequestHeaderDeadline extends AbstractLifeCycle implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(RequestHeaderDeadline.class);
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final long NOT_ARRIVING = Long.MIN_VALUE;

  /** What a connection had done at the last tick; arrivingSince: when its bytes were first seen. */
  private record Progress(long headers, long responses, long bytesIn, long arrivingSince) {

    /** A connection not seen before: nothing of it counted yet. */
    static final Progress NEW = new Progress(0, 0, 0, NOT_ARRIVING);

    Progress next(Connection connection, long now) {
      long headersNow = connection.getMessagesIn();
      long responsesNow = connection.getMessagesOut();
      long bytesNow = connection.getBytesIn();
      if (headersNow != headers || responsesNow != responses) {
        // a header completed or a response began since the last tick: what arrived belongs to it
        return new Progress(headersNow, responsesNow, bytesNow, NOT_ARRIVING);
      }
      if (headersNow > responsesNow || bytesNow == bytesIn || arrivingSince != NOT_ARRIVING) {
        return this;
      }
      return new Progress(headers, responses, bytesIn, now);
    }
  }

  private final ServerConnector connector;
  private final Scheduler scheduler;
  private final long limitNanos;
  private final String limit;
  // read and written by the ticks only, one at a time
  private Map<EndPoint, Progress> seen = new HashMap<>();
  private volatile Scheduler.Task next;

  RequestHeaderDeadline(ServerConnector connector, Scheduler scheduler, Duration limit) {
    this.connector = connector;
    this.scheduler = scheduler;
    this.limitNanos = limit.toNanos();
    this.limit = limit.toSeconds() + " s";
  }

  @Override
  protected void doStart() {
    next = scheduler.schedule(this, TICK);
  }

  @Override
  protected void doStop() {
    Scheduler.Task task = next;
    if (task != null) {
      task.cancel();
    }
  }

  @Override
  public void run() {
    try {
      tick(System.nanoTime());
    } catch (RuntimeException e) {
      log.warn("Checking the HTTP connections' request headers failed", e);
    } finally {
      if (isRunning()) {
        next = scheduler.schedule(this, TICK);
      }
    }
  }

  private void tick(long now) {
    Map<EndPoint, Progress> still = new HashMap<>();
    for (EndPoint endPoint : connector.getConnectedEndPoints()) {
      Connection connection = endPoint.getConnection();
      if (connection == null) {
        continue;
      }
      Progress progress = seen.getOrDefault(endPoint, Progress.NEW).next(connection, now);
      if (progress.arrivingSince() != NOT_ARRIVING
          && now - progress.arrivingSince() >= limitNanos) {
        log.debug(
            "Closing the connection from {}: its request header took longer than {}",
            endPoint.getRemoteSocketAddress(),
            limit);
        endPoint.close(
            new TimeoutException("The request header took longer than " + limit + " to arrive"));
      } else {
        still.put(endPoint, progress);
      }
    }
    seen = still;
  }
}
