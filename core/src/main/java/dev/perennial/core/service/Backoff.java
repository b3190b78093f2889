package dev.perennial.core.service;

import java.time.Duration;

/**
 * Pauses between tries of something that fails for a while (an outage): the first pause, doubled
 * after each failure, never longer than the maximum; {@link #reset()} after a success. Used by one
 * thread.
 */
public final class Backoff {

  private final Duration first;
  private final Duration max;
  private int failures;

  public Backoff(Duration first, Duration max) {
    this.first = first;
    this.max = max;
  }

  /** The pause before the next try; counts a failure. */
  public Duration next() {
    long millis = first.toMillis() << Math.min(failures, 20);
    failures++;
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  /** Failures since the last success. */
  public int failures() {
    return failures;
  }

  public void reset() {
    failures = 0;
  }

  /**
   * Sleeps the next pause.
   *
   * @throws InterruptedException when interrupted (the interrupt is the caller's to handle)
   */
  public void pause() throws InterruptedException {
    Thread.sleep(next().toMillis());
  }
}
