package dev.perennial.core.kafka;

import dev.perennial.core.service.FailureText;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * What became of a transaction ({@link TransactionalCommitter#commit}): committed, or aborted, and
 * then whether Kafka refused one of its records for what it is ({@link
 * TransactionalCommitter#refusedRecord}), so that the same transaction can never commit and trying
 * it again cannot help.
 */
public final class CommitResult {

  private static final CommitResult COMMITTED = new CommitResult(null);

  private final KafkaException abortedBy;

  private CommitResult(KafkaException abortedBy) {
    this.abortedBy = abortedBy;
  }

  static CommitResult committed() {
    return COMMITTED;
  }

  static CommitResult aborted(KafkaException cause) {
    return new CommitResult(cause);
  }

  /** Whether the transaction committed. */
  public boolean isCommitted() {
    return abortedBy == null;
  }

  /**
   * Why Kafka refused a record of the aborted transaction, on one line ({@link FailureText}): the
   * record, not the moment, is at fault, and the stage must end its input record with this reason
   * instead of trying again. Empty when the transaction committed, or aborted for a cause that may
   * pass (a timeout, a rebalance, the schema registry unavailable).
   */
  public Optional<String> refusal() {
    return Optional.ofNullable(abortedBy)
        .flatMap(TransactionalCommitter::refusedRecord)
        .map(cause -> FailureText.describe("Kafka refuses a record of the transaction:", cause));
  }
}
