package dev.perennial.core.service;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's consuming loop on its own thread, which knows whether it gave up: once the loop has
 * ended without a stop being asked for ({@link #stopRequested}), for whatever reason (it returned,
 * or anything escaped it, an {@link Error} included), {@link #failure} says so. A service answers
 * {@link Service#failure} with it, so {@code /health/live} fails and the process exits non-zero
 * whichever way its loop died, naming what killed it as {@link FailureText} words it.
 */
public final class LoopThread {

  private static final Logger log = LoggerFactory.getLogger(LoopThread.class);

  private final String name;
  private final Thread thread;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final AtomicReference<String> died = new AtomicReference<>();

  private LoopThread(String name, Runnable loop) {
    this.name = name;
    this.thread = new Thread(() -> runGuarded(loop), name);
  }

  /** Starts {@code loop} on a thread named {@code name}. */
  public static LoopThread start(String name, Runnable loop) {
    LoopThread started = new LoopThread(name, loop);
    started.thread.start();
    return started;
  }

  private void runGuarded(Runnable loop) {
    try {
      loop.run();
      if (!stopRequested.get()) {
        died.compareAndSet(null, "the " + name + " loop ended although no stop was asked for");
      }
    } catch (Throwable e) {
      // Recorded, then rethrown: the thread dies as it would have, but not silently.
      died.compareAndSet(null, FailureText.describe("the " + name + " loop died of", e));
      log.error("The {} loop died", name, e);
      throw e;
    }
  }

  /** Marks the end of the loop that follows as asked for (call before stopping it). */
  public void stopRequested() {
    stopRequested.set(true);
  }

  /** Why the loop ended on its own, or empty while it runs and after a requested stop. */
  public Optional<String> failure() {
    return Optional.ofNullable(died.get());
  }

  public boolean isAlive() {
    return thread.isAlive();
  }

  public String name() {
    return name;
  }

  /**
   * Where the loop's thread is now, one frame per line: for the log line of a loop that does not
   * stop when asked, so what it was blocked in is known after the fact. Frames name code only.
   */
  public String where() {
    StringBuilder frames = new StringBuilder();
    for (StackTraceElement frame : thread.getStackTrace()) {
      frames.append("\n\tat ").append(frame);
    }
    return frames.length() == 0 ? " (not running)" : frames.toString();
  }
}
