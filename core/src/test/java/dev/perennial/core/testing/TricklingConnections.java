package dev.perennial.core.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Connections that start a request and then send one more byte every so often, never finishing it,
 * as a slow-trickle ("slowloris") client does: each byte restarts the server's idle timeout. Either
 * the header trickles ({@link #open}) or, the header sent whole, the body does ({@link
 * #openBodies}). A connection the server closes is dropped; the rest trickle on until closed.
 */
public final class TricklingConnections implements AutoCloseable {

  private static final byte[] ONE_BYTE = {'a'};

  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService trickle =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "trickling-connections");
            thread.setDaemon(true);
            return thread;
          });

  private TricklingConnections() {}

  /**
   * Opens {@code count} connections to {@code port}, each sending the start of a GET of {@code
   * path} at once and one more header byte every {@code every}.
   */
  public static TricklingConnections open(String path, int count, int port, Duration every)
      throws IOException {
    return start("GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Slow: ", count, port, every);
  }

  /**
   * Opens {@code count} connections to {@code port}, each sending at once the whole header of a
   * POST to {@code path} that announces a body of {@code bodyBytes}, then one body byte every
   * {@code every}.
   */
  public static TricklingConnections openBodies(
      String path, int bodyBytes, int count, int port, Duration every) throws IOException {
    return start(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + bodyBytes
            + "\r\n\r\n",
        count,
        port,
        every);
  }

  private static TricklingConnections start(String first, int count, int port, Duration every)
      throws IOException {
    TricklingConnections connections = new TricklingConnections();
    try {
      for (int i = 0; i < count; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        connections.sockets.add(socket);
        socket.getOutputStream().write(first.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
    } catch (IOException e) {
      connections.close();
      throw e;
    }
    connections.trickle.scheduleWithFixedDelay(
        connections::sendOneByteEach, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return connections;
  }

  private void sendOneByteEach() {
    for (Socket socket : sockets) {
      try {
        socket.getOutputStream().write(ONE_BYTE);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // the server closed it
        sockets.remove(socket);
        closeQuietly(socket);
      }
    }
  }

  @Override
  public void close() {
    trickle.shutdownNow();
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a test's connection: nothing to do about it
    }
  }
}
