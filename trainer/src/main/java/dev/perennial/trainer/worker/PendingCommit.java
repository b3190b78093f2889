package dev.perennial.trainer.worker;

import dev.perennial.core.service.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's job outcome whose transaction aborted (the schema registry unavailable while its
 * candidate was written, a rebalance under way): held, and its transaction tried again after a
 * bounded pause, instead of reading the job again and training it from scratch. It is dropped when
 * the job's partition moves to another worker, which then owns the job.
 *
 * <p>Changed by the worker loop's thread only (the rebalance listener runs inside its poll); read
 * by readiness from any thread.
 */
final class PendingCommit {

  /**
   * The held outcome, when to try its transaction again (after {@code pause}), and how many times
   * its transaction aborted in a row.
   */
  record Held(JobOutcome outcome, Instant due, Duration pause, int failures) {}

  private final Backoff backoff;
  private final Clock clock;
  private volatile Held held;

  PendingCommit(Duration firstPause, Duration maxPause, Clock clock) {
    this.backoff = new Backoff(firstPause, maxPause);
    this.clock = clock;
  }

  /** Holds {@code outcome} after its transaction aborted, until a pause is over. */
  Held hold(JobOutcome outcome) {
    Duration pause = backoff.next();
    held = new Held(outcome, clock.instant().plus(pause), pause, backoff.failures());
    return held;
  }

  /** Takes the held job out once its pause is over; empty while it waits, or when none is held. */
  Optional<Held> takeDue() {
    Held due = held;
    if (due == null || clock.instant().isBefore(due.due())) {
      return Optional.empty();
    }
    held = null;
    return Optional.of(due);
  }

  /** The held job, if any. */
  Optional<Held> held() {
    return Optional.ofNullable(held);
  }

  boolean isEmpty() {
    return held == null;
  }

  /** Drops the held job if its partition is among {@code partitions}; the job dropped. */
  Optional<Held> drop(Collection<TopicPartition> partitions) {
    Held dropped = held;
    if (dropped == null || !partitions.contains(dropped.outcome().partition())) {
      return Optional.empty();
    }
    clear();
    return Optional.of(dropped);
  }

  /** Nothing held any more (committed, skipped or dropped): the next failure pauses briefly. */
  void clear() {
    held = null;
    backoff.reset();
  }
}
