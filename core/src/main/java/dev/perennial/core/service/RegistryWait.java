package dev.perennial.core.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A consume loop's pause while the schema registry is unavailable, shared by the trainer worker,
 * the evaluator and the publisher. Until it is over no record is read or handled, but the loop goes
 * on polling with every partition paused instead of sleeping: its consumer stays in the group (a
 * pause longer than {@code max.poll.interval.ms} would cost it its partitions, and its transactions
 * their commits), a rebalance or a stop is not held up, and the loop's other work (a held commit,
 * an operator's command) is done on time. The pauses double from the first to the maximum until the
 * registry answers again.
 *
 * <p>Used by the loop's thread only.
 */
public final class RegistryWait {

  private final Backoff backoff;
  private final Clock clock;
  private Instant until = Instant.MIN;

  public RegistryWait(Duration firstPause, Duration maxPause, Clock clock) {
    this.backoff = new Backoff(firstPause, maxPause);
    this.clock = clock;
  }

  /** Starts the next pause, after a try that found the registry unavailable; its length. */
  public Duration begin() {
    Duration pause = backoff.next();
    until = clock.instant().plus(pause);
    return pause;
  }

  /** Whether a pause is under way. */
  public boolean waiting() {
    return clock.instant().isBefore(until);
  }

  /** The tries that found the registry unavailable since it last answered. */
  public int failures() {
    return backoff.failures();
  }

  /** The registry answers: the next outage starts with the first pause. */
  public void answered() {
    backoff.reset();
  }
}
