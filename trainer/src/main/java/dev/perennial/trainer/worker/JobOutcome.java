package dev.perennial.trainer.worker;

import dev.perennial.schemas.v1.TrainingJob;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How the worker is done with a record of {@code training-jobs.v1}: what it commits together with
 * the record's offset, in one transaction. A trained job sends its candidate ({@code
 * candidates.v1}); a failed or skipped one, the job given up ({@code job-outcomes.v1}); an empty
 * record commits the offset alone.
 */
sealed interface JobOutcome {

  /** The record the outcome is of; its offset is committed with the outcome. */
  ConsumerRecord<String, TrainingJob> record();

  /** The record's partition. */
  default TopicPartition partition() {
    return new TopicPartition(record().topic(), record().partition());
  }

  /** What is committed, for logs and readiness: "the candidate of acme/support@3-...". */
  String describe();

  /** Trained: the candidate goes out with the offset. */
  record Trained(ConsumerRecord<String, TrainingJob> record, TrainedJob job) implements JobOutcome {
    @Override
    public String describe() {
      return "the candidate of " + record.value().getJobId();
    }
  }

  /**
   * Training failed on every attempt, or Kafka refuses its candidate (too large): given up without
   * a candidate; {@code why} names the last error's type and the attempts (never its message, which
   * may quote examples), or Kafka's refusal.
   */
  record Failed(ConsumerRecord<String, TrainingJob> record, String why) implements JobOutcome {

    Failed(ConsumerRecord<String, TrainingJob> record) {
      this(record, "training failed on every attempt");
    }

    @Override
    public String describe() {
      return "the failure of " + record.value().getJobId();
    }
  }

  /** A job that can never succeed, skipped at once for {@code reason}. */
  record Skipped(
      ConsumerRecord<String, TrainingJob> record, JobSkippedException.Reason reason, String why)
      implements JobOutcome {
    @Override
    public String describe() {
      return "the skip of " + record.value().getJobId();
    }
  }

  /** A record without a job (a null value). */
  record Empty(ConsumerRecord<String, TrainingJob> record) implements JobOutcome {
    @Override
    public String describe() {
      return "the empty record at "
          + record.topic()
          + "-"
          + record.partition()
          + "@"
          + record.offset();
    }
  }
}
