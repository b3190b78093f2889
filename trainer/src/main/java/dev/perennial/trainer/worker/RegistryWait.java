package dev.perennial.trainer.worker;

import dev.perennial.core.service.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The worker's pause while the schema registry is unavailable. Until it is over no job is read or
 * started, but the loop goes on polling with every partition paused instead of sleeping: its
 * consumer stays in the group (a pause longer than {@code max.poll.interval.ms} would cost it its
 * partitions), a rebalance or a stop is not held up, and a held commit is tried on time. The pauses
 * double from the first to the maximum until the registry answers again.
 *
 * <p>Used by the worker loop's thread only.
 */
final class RegistryWait {

  private final Backoff backoff;
  private final Clock clock;
  private Instant until = Instant.MIN;

  RegistryWait(Duration firstPause, Duration maxPause, Clock clock) {
    this.backoff = new Backoff(firstPause, maxPause);
    this.clock = clock;
  }

  /** Starts the next pause, after a try that found the registry unavailable; its length. */
  Duration begin() {
    Duration pause = backoff.next();
    until = clock.instant().plus(pause);
    return pause;
  }

  /** Whether a pause is under way. */
  boolean waiting() {
    return clock.instant().isBefore(until);
  }

  /** The tries that found the registry unavailable since it last answered. */
  int failures() {
    return backoff.failures();
  }

  /** The registry answers: the next outage starts with the first pause. */
  void answered() {
    backoff.reset();
  }
}
