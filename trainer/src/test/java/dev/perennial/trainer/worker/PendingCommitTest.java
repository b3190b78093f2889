package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.TrainingJob;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PendingCommitTest {

  private static final String TOPIC = "training-jobs.v1";

  private final MovableClock clock = new MovableClock();
  private final PendingCommit pending =
      new PendingCommit(Duration.ofMillis(500), Duration.ofSeconds(10), clock);
  private final ConsumerRecord<String, TrainingJob> record =
      new ConsumerRecord<>(TOPIC, 1, 42, "acme/support", new TrainingJob());
  private final JobOutcome outcome =
      new JobOutcome.Trained(record, new TrainedJob(new AdapterCandidate(), List.of()));

  @Test
  void aHeldJobIsTriedAgainOnlyOnceItsPauseIsOver() {
    pending.hold(outcome);

    assertThat(pending.isEmpty()).isFalse();
    assertThat(pending.takeDue()).isEmpty();
    clock.advance(Duration.ofMillis(499));
    assertThat(pending.takeDue()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(pending.takeDue())
        .hasValueSatisfying(held -> assertThat(held.outcome()).isSameAs(outcome));
    assertThat(pending.isEmpty()).isTrue();
  }

  @Test
  void pausesDoubleUpToTheMaximumWhileTheTransactionKeepsAbortingAndStartOverOnceCleared() {
    List<Long> pauses =
        IntStream.range(0, 7)
            .mapToObj(
                i -> {
                  PendingCommit.Held held = pending.hold(outcome);
                  clock.advance(held.pause());
                  assertThat(pending.takeDue()).isPresent();
                  return held.pause().toMillis();
                })
            .toList();

    assertThat(pauses).containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 10_000L, 10_000L);
    pending.clear();
    assertThat(pending.hold(outcome).pause()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aHeldJobIsDroppedWhenItsPartitionMovesAndKeptWhenAnotherOneDoes() {
    pending.hold(outcome);

    assertThat(pending.drop(List.of(new TopicPartition(TOPIC, 0)))).isEmpty();
    assertThat(pending.held()).isPresent();
    assertThat(pending.drop(List.of(new TopicPartition(TOPIC, 1))))
        .hasValueSatisfying(held -> assertThat(held.outcome()).isSameAs(outcome));
    assertThat(pending.isEmpty()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(pending.takeDue()).isEmpty();
  }
}
