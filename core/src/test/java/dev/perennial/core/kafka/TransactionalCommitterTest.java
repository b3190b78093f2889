package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
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
  void recordsKafkaRefusesForWhatTheyAreAreTheRecordsFaultWhereverTheyAreWrapped() {
    assertThat(
            TransactionalCommitter.refusedRecord(
                new KafkaException(
                    "Cannot execute transactional method because we are in an error state",
                    new RecordTooLargeException("larger than max.request.size"))))
        .containsInstanceOf(RecordTooLargeException.class);
    assertThat(TransactionalCommitter.refusedRecord(new RecordBatchTooLargeException("too large")))
        .isPresent();
    assertThat(TransactionalCommitter.refusedRecord(new InvalidRecordException("no key")))
        .isPresent();
  }

  @Test
  void timeoutsRebalancesCoordinatorMovesAndTheRegistryAreNoRecordsFault() {
    assertThat(TransactionalCommitter.refusedRecord(new TimeoutException("slow broker"))).isEmpty();
    assertThat(TransactionalCommitter.refusedRecord(new RebalanceInProgressException("joining")))
        .isEmpty();
    assertThat(TransactionalCommitter.refusedRecord(new NotCoordinatorException("moved")))
        .isEmpty();
    assertThat(TransactionalCommitter.refusedRecord(new SerializationException("registry down")))
        .isEmpty();
    assertThat(TransactionalCommitter.refusedRecord(new KafkaException("abortable"))).isEmpty();
  }

  @Test
  void anAbortedCommitSaysWhenKafkaRefusedARecordAndWhenItMayPass() {
    MockProducer<String, String> producer =
        new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    producer.initTransactions();
    TransactionalCommitter<String, String> committer =
        new TransactionalCommitter<>(producer, new MockConsumer<>("earliest"));
    List<ProducerRecord<String, String>> outputs = List.of(new ProducerRecord<>("out", "k", "v"));
    List<ConsumerRecord<String, String>> consumed =
        List.of(new ConsumerRecord<>("jobs", 0, 7, "k", "v"));

    // what KafkaProducer throws after a send it refused for max.request.size
    producer.commitTransactionException =
        new KafkaException(
            "Cannot execute transactional method because we are in an error state",
            new RecordTooLargeException(
                "The message is 1300000 bytes when serialized which is larger than 1048576"));
    CommitResult refused = committer.commit(outputs, consumed);
    producer.commitTransactionException = new KafkaException("abortable: a rebalance");
    CommitResult transient_ = committer.commit(outputs, consumed);

    assertThat(refused.isCommitted()).isFalse();
    assertThat(refused.refusal())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("Kafka refuses a record of the transaction:")
                    .contains("RecordTooLargeException", "1300000 bytes"));
    assertThat(transient_.isCommitted()).isFalse();
    assertThat(transient_.refusal()).isEmpty();
    assertThat(producer.transactionAborted()).isTrue();
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

  @Test
  void aCommitThatTimesOutIsTriedAgainNotAborted() {
    TimingOutProducer producer = new TimingOutProducer(1);
    TransactionalCommitter<String, String> committer =
        new TransactionalCommitter<>(producer, new MockConsumer<>("earliest"));

    CommitResult result =
        committer.commit(
            List.of(new ProducerRecord<>("out", "k", "v")),
            List.of(new ConsumerRecord<>("jobs", 0, 7, "k", "v")));

    assertThat(result.isCommitted()).isTrue();
    assertThat(result.refusal()).isEmpty();
    assertThat(producer.transactionCommitted()).isTrue();
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void aCommitThatKeepsTimingOutEndsTheInstanceRatherThanGuessItsOutcome() {
    TimingOutProducer producer = new TimingOutProducer(TransactionalCommitter.END_ATTEMPTS);
    TransactionalCommitter<String, String> committer =
        new TransactionalCommitter<>(producer, new MockConsumer<>("earliest"));

    assertThatThrownBy(
            () ->
                committer.commit(
                    List.of(new ProducerRecord<>("out", "k", "v")),
                    List.of(new ConsumerRecord<>("jobs", 0, 7, "k", "v"))))
        .isInstanceOf(FatalKafkaException.class)
        .hasMessageContaining("commit timed out");
    assertThat(producer.transactionAborted()).isFalse();
  }

  @Test
  void aProducerThatCannotAbortEndsTheInstanceInsteadOfFailingEveryStepForever() {
    MockProducer<String, String> producer =
        new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    producer.initTransactions();
    // what KafkaProducer throws from every transactional call once it is in its fatal error state
    KafkaException broken =
        new KafkaException(
            "Cannot execute transactional method because we are in an error state",
            new InvalidTxnStateException("the broker refused the transaction's state"));
    producer.sendOffsetsToTransactionException = broken;
    producer.abortTransactionException = broken;
    TransactionalCommitter<String, String> committer =
        new TransactionalCommitter<>(producer, new MockConsumer<>("earliest"));

    assertThatThrownBy(
            () ->
                committer.commit(
                    List.of(new ProducerRecord<>("out", "k", "v")),
                    List.of(new ConsumerRecord<>("jobs", 0, 7, "k", "v"))))
        .isInstanceOf(FatalKafkaException.class)
        .hasMessageContaining("cannot be aborted");
  }

  /**
   * Times out its first commits as KafkaProducer does when the broker does not answer within
   * max.block.ms, and, as KafkaProducer does, refuses an abort after a commit that timed out.
   */
  private static final class TimingOutProducer extends MockProducer<String, String> {
    private int timeouts;
    private boolean commitPending;

    TimingOutProducer(int timeouts) {
      super(true, null, new StringSerializer(), new StringSerializer());
      this.timeouts = timeouts;
      initTransactions();
    }

    @Override
    public synchronized void commitTransaction() {
      if (timeouts > 0) {
        timeouts--;
        commitPending = true;
        throw new TimeoutException("commit not acknowledged within max.block.ms");
      }
      commitPending = false;
      super.commitTransaction();
    }

    @Override
    public synchronized void abortTransaction() {
      if (commitPending) {
        throw new IllegalStateException(
            "Cannot attempt operation `abortTransaction` because the previous call to"
                + " `commitTransaction` timed out and must be retried");
      }
      super.abortTransaction();
    }
  }
}
