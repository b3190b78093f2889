package dev.perennial.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchPartitionsTest {

  private static final TopicPartition P0 = new TopicPartition("candidates", 0);
  private static final TopicPartition P1 = new TopicPartition("candidates", 1);

  @Test
  void aPartitionKeptThroughoutTheBatchIsTheBatchsToCommit() {
    BatchPartitions partitions = new BatchPartitions();
    partitions.batchStarted();
    partitions.moved(List.of(P1));

    assertThat(partitions.owns(P0, Set.of(P0))).isTrue();
    assertThat(partitions.owns(P1, Set.of(P0))).isFalse();
  }

  @Test
  void aPartitionThatMovedAwayAndCameBackDuringTheBatchIsNotTheBatchsToCommit() {
    BatchPartitions partitions = new BatchPartitions();
    partitions.batchStarted();
    partitions.moved(List.of(P0)); // revoked: another evaluator reads and commits it
    Set<TopicPartition> assignedAgain = Set.of(P0, P1);

    assertThat(partitions.owns(P0, assignedAgain)).isFalse();
    assertThat(partitions.owns(P1, assignedAgain)).isTrue();
  }

  @Test
  void theNextBatchOwnsWhatIsAssignedWhenItStarts() {
    BatchPartitions partitions = new BatchPartitions();
    partitions.batchStarted();
    partitions.moved(List.of(P0));
    partitions.batchStarted();

    assertThat(partitions.owns(P0, Set.of(P0))).isTrue();
  }
}
