package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FairJobQueueTest {

  private final FairJobQueue<String, String> queue = new FairJobQueue<>();

  private void add(int partition, String job) {
    queue.add(new ConsumerRecord<>("jobs", partition, queue.size(), "key", job));
  }

  private List<String> drain() {
    List<String> order = new ArrayList<>();
    for (ConsumerRecord<String, String> next = queue.next(); next != null; next = queue.next()) {
      order.add(next.value());
    }
    return order;
  }

  @Test
  void partitionsTakeTurnsSoABacklogDelaysOtherKeysByOneJobEach() {
    add(0, "a1");
    add(0, "a2");
    add(0, "a3");
    add(2, "c1");
    add(1, "b1");

    assertThat(drain()).containsExactly("a1", "b1", "c1", "a2", "a3");
  }

  @Test
  void aJobArrivingLaterIsServedOnItsPartitionsTurn() {
    add(0, "a1");
    add(0, "a2");
    assertThat(queue.next().value()).isEqualTo("a1");
    add(1, "b1");

    assertThat(drain()).containsExactly("b1", "a2");
  }

  @Test
  void aJobPutBackComesFirstAndJobsOfLostPartitionsAreForgotten() {
    add(0, "a1");
    add(0, "a2");
    add(1, "b1");
    ConsumerRecord<String, String> first = queue.next();
    queue.putBack(first);
    queue.drop(List.of(new TopicPartition("jobs", 1)));

    assertThat(drain()).containsExactly("a1", "a2");
  }

  @Test
  void aJobThatMayNotStartHoldsBackItsPartitionOnlyUntilItMay() {
    add(0, "a1");
    add(0, "a2");
    add(1, "b1");
    add(1, "b2");
    List<String> held = new ArrayList<>(List.of("a1"));

    assertThat(queue.next(job -> !held.contains(job.value())).value()).isEqualTo("b1");
    assertThat(queue.next(job -> !held.contains(job.value())).value()).isEqualTo("b2");
    assertThat(queue.next(job -> !held.contains(job.value()))).isNull();
    held.clear();
    assertThat(drain()).containsExactly("a1", "a2");
  }
}
