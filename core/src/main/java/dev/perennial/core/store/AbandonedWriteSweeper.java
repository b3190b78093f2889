package dev.perennial.core.store;

import dev.perennial.core.PerennialException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the temporary files of writes to a {@link LocalArtifactStore} that never finished (a
 * process killed while it wrote a blob leaves one under {@code tmp/}, which nothing else removes),
 * once at start and then every {@link #interval}, on a daemon thread. Only files nothing was
 * written to for {@code age} go ({@link LocalArtifactStore#removeAbandonedWrites}): a write in
 * progress writes its file as it reads its content, so a file that old belongs to no live write, in
 * this process or another sharing the store.
 */
public final class AbandonedWriteSweeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AbandonedWriteSweeper.class);

  /** The longest time between two sweeps. */
  private static final Duration MAX_INTERVAL = Duration.ofHours(1);

  private final LocalArtifactStore store;
  private final Duration age;
  private final ScheduledExecutorService scheduler;

  private AbandonedWriteSweeper(LocalArtifactStore store, Duration age) {
    this.store = store;
    this.age = age;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "artifact-store-sweeper");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Sweeps {@code store} now, before returning, and then every {@link #interval} until closed. */
  public static AbandonedWriteSweeper start(LocalArtifactStore store, Duration age) {
    AbandonedWriteSweeper sweeper = new AbandonedWriteSweeper(store, age);
    sweeper.sweep();
    long every = interval(age).toMillis();
    sweeper.scheduler.scheduleWithFixedDelay(sweeper::sweep, every, every, TimeUnit.MILLISECONDS);
    return sweeper;
  }

  /** Half the age, at most an hour: a file abandoned goes at most that long after it is due. */
  static Duration interval(Duration age) {
    Duration half = age.dividedBy(2);
    return half.compareTo(MAX_INTERVAL) < 0 ? half : MAX_INTERVAL;
  }

  private void sweep() {
    try {
      int removed = store.removeAbandonedWrites(age);
      if (removed > 0) {
        log.info("Removed {} abandoned artifact writes older than {}", removed, age);
      }
    } catch (PerennialException e) {
      log.warn("Cannot remove abandoned artifact writes (will try again): {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
