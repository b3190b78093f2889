package dev.perennial.evaluator.service;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Which partitions the batch in flight may still commit, or seek back in: those assigned now that
 * were not revoked or lost since the batch started. A partition that moved away and came back
 * meanwhile is read again from its committed offset, and another evaluator may have judged the
 * batch's candidates and committed past them: the batch's verdicts for it would be second verdicts,
 * and its offsets would move the committed offset back. Its records are left to that reading.
 *
 * <p>Used on the loop thread only (rebalance callbacks run inside its poll).
 */
final class BatchPartitions {

  private final Set<TopicPartition> moved = new HashSet<>();

  /** A new batch starts: it owns what is assigned now. */
  void batchStarted() {
    moved.clear();
  }

  /** {@code partitions} were revoked or lost. */
  void moved(Collection<TopicPartition> partitions) {
    moved.addAll(partitions);
  }

  /** Whether the batch in flight still owns {@code partition}, given the assignment now. */
  boolean owns(TopicPartition partition, Set<TopicPartition> assignment) {
    return assignment.contains(partition) && !moved.contains(partition);
  }
}
