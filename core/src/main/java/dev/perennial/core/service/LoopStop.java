package dev.perennial.core.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a service waits for its consuming loop after asking it to stop: the loop may finish the work
 * in progress for {@code patience}; then it is woken ({@code KafkaConsumer.wakeup()}) and given a
 * little more; the log line says where the loop was, since a loop that outlasts its patience is a
 * defect to find. An interrupt is restored.
 */
public final class LoopStop {

  private static final Logger log = LoggerFactory.getLogger(LoopStop.class);
  private static final Duration AFTER_WAKEUP = Duration.ofSeconds(10);

  private LoopStop() {}

  /**
   * Waits until {@code ended} counts down, waking the loop with {@code wakeup} once {@code
   * patience} has passed.
   */
  public static void await(
      LoopThread loop, CountDownLatch ended, Duration patience, Runnable wakeup) {
    try {
      if (!ended.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "The {} loop did not stop within {}; waking it. It was at:{}",
            loop.name(),
            patience,
            loop.where());
        wakeup.run();
        ended.await(AFTER_WAKEUP.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
