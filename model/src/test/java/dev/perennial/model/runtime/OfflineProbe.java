package dev.perennial.model.runtime;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.tokenizer.HuggingFaceTextTokenizer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.Permission;

/**
 * Run in a child JVM by {@link OfflineEngineIT}: refuses and reports every network connection the
 * process attempts (a security manager sees each one, including DJL's direct ones that bypass
 * proxies), then loads the engine ({@code engine}) or a tokenizer folder ({@code tokenizer FOLDER})
 * the way the services do, and prints what happened.
 */
public final class OfflineProbe {

  private OfflineProbe() {}

  @SuppressWarnings("removal") // the only hook that sees every socket a library opens
  public static void main(String[] args) throws UnknownHostException {
    // looking up this machine's own name is no network use (logging asks for it)
    String self = InetAddress.getLocalHost().getHostName();
    System.setSecurityManager(
        new SecurityManager() {
          @Override
          public void checkPermission(Permission permission) {}

          @Override
          public void checkPermission(Permission permission, Object context) {}

          @Override
          public void checkConnect(String host, int port) {
            if (port == -1 && host.equals(self)) {
              return;
            }
            System.out.println("network attempt: " + host + ":" + port);
            throw new SecurityException("no network in this probe: " + host + ":" + port);
          }

          @Override
          public void checkConnect(String host, int port, Object context) {
            checkConnect(host, port);
          }
        });
    try {
      if ("engine".equals(args[0])) {
        ModelRuntime.engine();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
          System.out.println("engine loaded: " + manager.ones(new Shape(4)).sum().getFloat());
        }
      } else {
        Path folder = Path.of(args[1]);
        HuggingFaceTextTokenizer tokenizer =
            HuggingFaceTextTokenizer.load(folder, LlamaConfig.read(folder.resolve("config.json")));
        System.out.println("tokenizer loaded: " + tokenizer.encode("Once upon a time").length);
      }
    } catch (RuntimeException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }
}
