package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class TransactionalCommitterTest {

  @Test
  void fencingAndMissingPermissionsEndAnInstanceWhereverTheyAreWrapped() {
    assertThat(TransactionalCommitter.isFatal(new ProducerFencedException("newer epoch"))).isTrue();
    assertThat(TransactionalCommitter.isFatal(new FencedInstanceIdException("same id"))).isTrue();
    assertThat(TransactionalCommitter.isFatal(new InvalidProducerEpochException("old"))).isTrue();
    assertThat(
            TransactionalCommitter.isFatal(
                new KafkaException(
                    "commit failed", new TransactionalIdAuthorizationException("no"))))
        .isTrue();
    assertThat(TransactionalCommitter.isFatal(new TopicAuthorizationException("no"))).isTrue();
  }

  @Test
  void timeoutsAndUnserializableRecordsAbortTheStepOnly() {
    assertThat(TransactionalCommitter.isFatal(new TimeoutException("slow broker"))).isFalse();
    assertThat(TransactionalCommitter.isFatal(new SerializationException("registry down")))
        .isFalse();
    assertThat(TransactionalCommitter.isFatal(new KafkaException("abortable"))).isFalse();
  }

  @Test
  void theOffsetsCommittedAreEachPartitionsHighestPlusOne() {
    List<ConsumerRecord<String, String>> consumed =
        List.of(
            new ConsumerRecord<>("jobs", 0, 7, "k", "v"),
            new ConsumerRecord<>("jobs", 0, 9, "k", "v"),
            new ConsumerRecord<>("jobs", 1, 3, "k", "v"));

    assertThat(TransactionalCommitter.offsetsAfter(consumed))
        .isEqualTo(
            Map.of(
                new TopicPartition("jobs", 0), new OffsetAndMetadata(10),
                new TopicPartition("jobs", 1), new OffsetAndMetadata(4)));
  }
}
