package dev.perennial.core.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a command run until the JVM is asked to stop (Ctrl-C, SIGTERM) and then shut down on its own
 * thread, in its own order: the shutdown hook only wakes the command and waits (bounded) until the
 * command says it is done.
 */
public final class ShutdownSignal {

  private static final Duration MAX_SHUTDOWN = Duration.ofSeconds(90);

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  private ShutdownSignal() {}

  /** Installs the JVM shutdown hook that wakes the command. */
  public static ShutdownSignal install() {
    ShutdownSignal signal = new ShutdownSignal();
    Runtime.getRuntime().addShutdownHook(new Thread(signal::requestAndWait, "perennial-shutdown"));
    return signal;
  }

  /** Blocks until the JVM is asked to stop. */
  public void await() throws InterruptedException {
    requested.await();
  }

  /** Waits up to {@code timeout} for the JVM to be asked to stop; whether it was. */
  public boolean await(Duration timeout) throws InterruptedException {
    return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The command has stopped everything; the JVM may exit. */
  public void done() {
    finished.countDown();
  }

  private void requestAndWait() {
    requested.countDown();
    try {
      finished.await(MAX_SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
