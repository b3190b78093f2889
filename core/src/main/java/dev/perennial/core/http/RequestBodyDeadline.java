package dev.perennial.core.http;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;

/**
 * Fails the reading of a request body that has not arrived whole a limit after its request's header
 * did: the bound on a client trickling a body into a handler that reads it, which holds a server
 * thread for as long as the bytes come (each restarts the idle timeout).
 *
 * <p>Checked whenever the handler would wait for more of the body (Jetty's {@code demand}), as
 * Jetty's own {@code MinimumDataRateHandler} checks its rate: a body already received is read whole
 * however late the handler reads it, and a handler that takes long after reading its body is not
 * timed. Past the limit the read fails with a {@link TimeoutException} (an {@code IOException} to a
 * handler reading {@code getRequestBody()}), so a trickle holds a thread at most the limit plus the
 * gap to its next byte (under the idle timeout); the connection, its body not read, is closed after
 * the response. ({@code MinimumDataRateHandler} of Jetty 12.1 is no such bound: it divides the
 * bytes its handler has read for all requests since start, not this one's, by this request's time.)
 */
final class RequestBodyDeadline extends Handler.Wrapper {

  private final long limitNanos;
  private final String limit;

  RequestBodyDeadline(Handler handler, Duration limit) {
    super(handler);
    this.limitNanos = limit.toNanos();
    this.limit = limit.toSeconds() + " s";
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return super.handle(new TimedBody(request), response, callback);
  }

  /** The request, whose body reads fail once the limit has passed and more must be waited for. */
  private final class TimedBody extends Request.Wrapper {

    private volatile Content.Chunk expired;

    TimedBody(Request request) {
      super(request);
    }

    @Override
    public void demand(Runnable demandCallback) {
      if (expired == null && NanoTime.since(getHeadersNanoTime()) >= limitNanos) {
        expired =
            Content.Chunk.from(
                new TimeoutException(
                    "The request body did not arrive whole within " + limit + " of its header"));
      }
      if (expired != null) {
        // read() now answers the failure: let the reader find it instead of waiting for bytes
        demandCallback.run();
        return;
      }
      super.demand(demandCallback);
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk failure = expired;
      return failure != null ? failure : super.read();
    }
  }
}
