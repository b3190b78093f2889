package dev.perennial.core.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Lets a command run until it is asked to stop (SIGTERM, as Kubernetes sends it; Ctrl-C) and then
 * shut down on its own thread, in its own order, and exit with the status it chooses.
 *
 * <p>SIGTERM and SIGINT are taken over from the JVM while the command runs: the first only wakes
 * the command, so the JVM does not begin its shutdown before the command has stopped everything and
 * exits with its own status ({@link ServiceProcess#EXIT_STOPPED}). Left to the JVM, a SIGTERM runs
 * the shutdown hooks and ends the process with status 143 whatever the command returns, because
 * {@code System.exit} called while the hooks run only waits for them. A second signal goes to the
 * JVM as before (a second Ctrl-C does not wait for the first). A shutdown begun otherwise (another
 * signal, {@code System.exit} elsewhere) still wakes the command through a shutdown hook, which
 * waits (bounded) until the command says it is done.
 */
public final class ShutdownSignal {

  private static final Logger log = LoggerFactory.getLogger(ShutdownSignal.class);
  private static final Duration MAX_SHUTDOWN = Duration.ofSeconds(90);
  private static final List<String> STOP_SIGNALS = List.of("TERM", "INT");

  private final CompletableFuture<Void> requested = new CompletableFuture<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final List<Taken> taken = new ArrayList<>();

  /** A signal taken over from the JVM, and the JVM's handler that gets it back. */
  private record Taken(Signal signal, SignalHandler previous) {}

  private ShutdownSignal() {}

  /** Takes SIGTERM and SIGINT over and installs the JVM shutdown hook that wakes the command. */
  public static ShutdownSignal install() {
    ShutdownSignal signal = new ShutdownSignal();
    for (String name : STOP_SIGNALS) {
      signal.take(name);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(signal::requestAndWait, "perennial-shutdown"));
    return signal;
  }

  private synchronized void take(String name) {
    try {
      Signal signal = new Signal(name);
      taken.add(new Taken(signal, Signal.handle(signal, this::onSignal)));
    } catch (IllegalArgumentException e) {
      // not on this platform, or the JVM keeps it (-Xrs): the shutdown hook wakes the command
      log.debug("SIG{} stays the JVM's: {}", name, e.getMessage());
    }
  }

  private void onSignal(Signal signal) {
    log.info("SIG{} received; stopping", signal.getName());
    giveBack();
    requested.complete(null);
  }

  /** Gives the signals back to the JVM's handlers: the next one shuts the JVM down as usual. */
  private synchronized void giveBack() {
    for (Taken signal : taken) {
      Signal.handle(signal.signal(), signal.previous());
    }
    taken.clear();
  }

  /** Blocks until the command is asked to stop. */
  public void await() throws InterruptedException {
    try {
      requested.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // never completed exceptionally
    }
  }

  /** Waits up to {@code timeout} for the command to be asked to stop; whether it was. */
  public boolean await(Duration timeout) throws InterruptedException {
    try {
      requested.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // never completed exceptionally
    }
  }

  /** Completes once the command is asked to stop (a start waits on it beside its own end). */
  CompletableFuture<Void> whenRequested() {
    return requested.copy();
  }

  /** The command has stopped everything; the JVM may exit. */
  public void done() {
    giveBack();
    finished.countDown();
  }

  private void requestAndWait() {
    requested.complete(null);
    try {
      finished.await(MAX_SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
