package dev.perennial.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a command run until the JVM is asked to stop (Ctrl-C, SIGTERM) and then shut down on its own
 * thread, in its own order: the shutdown hook only wakes the command and waits (bounded) until the
 * command says it is done.
 */
final class ShutdownSignal {

  private static final Duration MAX_SHUTDOWN = Duration.ofSeconds(90);

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  private ShutdownSignal() {}

  static ShutdownSignal install() {
    ShutdownSignal signal = new ShutdownSignal();
    Runtime.getRuntime().addShutdownHook(new Thread(signal::requestAndWait, "perennial-shutdown"));
    return signal;
  }

  /** Blocks until the JVM is asked to stop. */
  void await() throws InterruptedException {
    requested.await();
  }

  /** Waits up to {@code timeout} for the JVM to be asked to stop; whether it was. */
  boolean await(Duration timeout) throws InterruptedException {
    return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code action} on a daemon thread named {@code threadName} once the JVM is asked to stop
   * (or {@link #request()} is called): for a service whose loop the command waits on, and which
   * only stops when closed.
   */
  void whenRequested(Runnable action, String threadName) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              action.run();
            },
            threadName);
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Asks the command to stop as if the JVM had been (a service that failed on its own). */
  void request() {
    requested.countDown();
  }

  /** The command has stopped everything; the JVM may exit. */
  void done() {
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
