package dev.perennial.model;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Garbage collections on demand, the way a busy JVM runs them at any moment. What matters to the
 * engine is that a collection frees the direct buffers nothing references any more: a tensor still
 * reading such a buffer then reads memory the allocator has handed back (and overwritten).
 */
public final class GarbageCollections {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private GarbageCollections() {}

  /**
   * Collects until unreachable direct buffers have been freed (their cleaners run on another thread
   * after the collection).
   */
  public static void collectAndFreeDirectBuffers() {
    BufferPoolMXBean direct = directPool();
    // one unreachable buffer at least, so there is always something to wait for
    ByteBuffer.allocateDirect(1);
    long before = direct.getCount();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    do {
      System.gc();
      pause(10);
    } while (direct.getCount() >= before && System.nanoTime() < deadline);
    if (direct.getCount() >= before) {
      throw new AssertionError("no direct buffer was freed within " + PATIENCE);
    }
  }

  /** A thread that collects every five milliseconds until closed. */
  public static Continuous continuously() {
    return new Continuous();
  }

  /** Collections in a loop on a daemon thread; {@link #count()} says how many ran. */
  public static final class Continuous implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger count = new AtomicInteger();
    private final Thread thread;

    private Continuous() {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  System.gc();
                  count.incrementAndGet();
                  pause(5);
                }
              },
              "garbage-collections");
      thread.setDaemon(true);
      thread.start();
    }

    public int count() {
      return count.get();
    }

    @Override
    public void close() {
      running.set(false);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static BufferPoolMXBean directPool() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("this JVM reports no direct buffer pool"));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
