package dev.perennial.core.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit step of a consume-process-produce loop under exactly-once, shared by the trainer
 * worker, the evaluator and the publisher: a step's output records and the offsets after the
 * records it consumed go out in one Kafka transaction, so a step is either wholly done or not at
 * all.
 *
 * <p>A failed transaction is aborted and reported as not committed; the loop then reads the step's
 * records again (or retries it from memory), unless Kafka refused one of the step's records for
 * what it is ({@link #refusedRecord}, the one list of such refusals, {@link CommitResult#refusal}):
 * that transaction can never commit, and the loop ends the step's input record with the reason
 * instead. An error after which this instance can never commit again ({@link #isFatal}, the one
 * list of such errors) is thrown as a {@link FatalKafkaException}: another instance with the same
 * transactional id took over, or access is denied, or the producer cannot even abort; the loop must
 * stop and its service report itself dead.
 *
 * <p>A commit or abort that times out has an unknown outcome, and {@code KafkaProducer} allows only
 * the same call after it (an abort after a timed-out commit is refused): it is tried again, {@value
 * #END_ATTEMPTS} times in all, and then this instance gives up ({@link FatalKafkaException}); the
 * next instance with the transactional id completes or aborts the transaction.
 */
public final class TransactionalCommitter<K, V> {

  private static final Logger log = LoggerFactory.getLogger(TransactionalCommitter.class);
  static final int END_ATTEMPTS = 3;

  private final Producer<K, V> producer;
  private final Consumer<?, ?> consumer;

  /**
   * @param producer a transactional producer whose transactions are initialised
   * @param consumer the consumer the records came from (its group metadata fences zombies)
   */
  public TransactionalCommitter(Producer<K, V> producer, Consumer<?, ?> consumer) {
    this.producer = producer;
    this.consumer = consumer;
  }

  /**
   * Sends {@code outputs} and commits the offsets after {@code consumed} (none: only the outputs)
   * in one transaction.
   *
   * @return committed, or aborted (none of it visible) and why
   * @throws FatalKafkaException when this instance can no longer commit
   */
  public CommitResult commit(
      List<ProducerRecord<K, V>> outputs, Collection<? extends ConsumerRecord<?, ?>> consumed) {
    Map<TopicPartition, OffsetAndMetadata> offsets = offsetsAfter(consumed);
    try {
      producer.beginTransaction();
      outputs.forEach(producer::send);
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      }
      FaultHook.inTransactionWindow(outputs.size());
      end(producer::commitTransaction, "commit");
      return CommitResult.committed();
    } catch (KafkaException e) {
      if (isFatal(e)) {
        throw new FatalKafkaException(e);
      }
      log.warn(
          "Transaction of {} record(s) and the offsets {} failed; aborted",
          outputs.size(),
          offsets,
          e);
      abort();
      return CommitResult.aborted(e);
    }
  }

  /**
   * Aborts the transaction. KafkaProducer refuses an abort only in its fatal error state (an
   * abortable error is what an abort is for): it then refuses every transaction, so this instance
   * stops rather than fail every step from now on.
   */
  private void abort() {
    try {
      end(producer::abortTransaction, "abort");
    } catch (KafkaException e) {
      if (isFatal(e)) {
        throw new FatalKafkaException(e);
      }
      throw new FatalKafkaException("the transaction cannot be aborted", e);
    }
  }

  /** Ends the transaction with {@code end}, repeating it while it times out. */
  private static void end(Runnable end, String what) {
    for (int attempt = 1; ; attempt++) {
      try {
        end.run();
        return;
      } catch (TimeoutException e) {
        if (attempt == END_ATTEMPTS) {
          throw new FatalKafkaException(
              "the transaction's " + what + " timed out " + attempt + " times", e);
        }
        log.warn(
            "The transaction's {} timed out, retry {} of {}", what, attempt, END_ATTEMPTS - 1, e);
      }
    }
  }

  /** The offsets to commit after {@code records}: each partition's highest offset plus one. */
  public static Map<TopicPartition, OffsetAndMetadata> offsetsAfter(
      Collection<? extends ConsumerRecord<?, ?>> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<?, ?> record : records) {
      offsets.merge(
          new TopicPartition(record.topic(), record.partition()),
          new OffsetAndMetadata(record.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    return offsets;
  }

  /**
   * The cause in {@code error}'s chain by which Kafka refused a record for what it is, which it
   * refuses however often it is sent: larger than the producer's {@code max.request.size} or the
   * topic's {@code max.message.bytes} ({@link RecordTooLargeException}, and {@link
   * RecordBatchTooLargeException}, which the broker answers for a batch a single record overfills:
   * the producer splits larger batches and sends them again), or failing the broker's validation
   * ({@link InvalidRecordException}, such as a record without a key on a compacted topic). Empty
   * for every other error: a timeout, a rebalance, a coordinator that moved, the schema registry
   * unavailable may all pass.
   */
  public static Optional<Throwable> refusedRecord(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof RecordTooLargeException
          || cause instanceof RecordBatchTooLargeException
          || cause instanceof InvalidRecordException) {
        return Optional.of(cause);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code error} (or what it wraps) ends a transactional client for good: it was fenced by
   * a newer instance with its transactional or group instance id, the broker refuses its
   * credentials or permissions, or the broker does not support transactions. Every other Kafka
   * error aborts the transaction and the step is tried again.
   */
  public static boolean isFatal(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ProducerFencedException
          || cause instanceof FencedInstanceIdException
          || cause instanceof InvalidProducerEpochException
          || cause instanceof AuthorizationException
          || cause instanceof AuthenticationException
          || cause instanceof UnsupportedVersionException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
