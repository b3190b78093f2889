package dev.perennial.core.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Connections that send half a request header and then nothing, as a slow or hostile client does:
 * held open until closed.
 */
public final class HalfOpenConnections implements AutoCloseable {

  private final List<Socket> sockets = new ArrayList<>();

  private HalfOpenConnections() {}

  /** Opens {@code count} connections to each port, each sending half a GET of {@code path}. */
  public static HalfOpenConnections open(String path, int count, int... ports) throws IOException {
    HalfOpenConnections connections = new HalfOpenConnections();
    try {
      for (int port : ports) {
        for (int i = 0; i < count; i++) {
          Socket socket = new Socket("127.0.0.1", port);
          connections.sockets.add(socket);
          socket
              .getOutputStream()
              .write(
                  ("GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                      .getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
        }
      }
    } catch (IOException e) {
      connections.close();
      throw e;
    }
    return connections;
  }

  @Override
  public void close() {
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing a test's connection: nothing to do about it
      }
    }
  }
}
