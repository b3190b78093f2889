package dev.perennial.trainer.worker;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.RecordBudget;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Tells a job sized for a larger {@code max.request.size} than this worker's producer takes. The
 * accumulator writes a job of at most {@link RecordBudget#jobBytes} of its own limit, so a job
 * larger than this worker's budget allows was written by an accumulator allowed more: the two
 * stages are configured apart and disagree, and the worker could write no candidate of such a job
 * (it copies the job's lists and adds its own fields). That is no job's fault, and it is found on
 * the job's bytes before anything trains: the worker stops, the job uncommitted, rather than train
 * job after job and give each up.
 */
final class JobBudgetCheck {

  /** The single-object encoding the accumulator measures takes 5 bytes more than the wire's. */
  private static final int SINGLE_OBJECT_EXTRA = 5;

  private JobBudgetCheck() {}

  /** Why {@code record}'s job is larger than {@code budget} lets a job be, or empty. */
  static Optional<String> tooLarge(
      ConsumerRecord<String, TrainingJob> record, RecordBudget budget) {
    long bytes =
        Math.max(0, record.serializedKeySize())
            + Math.max(0, record.serializedValueSize())
            + SINGLE_OBJECT_EXTRA;
    if (bytes <= budget.jobBytes()) {
      return Optional.empty();
    }
    return Optional.of(
        "Job "
            + RecordIds.shown(record.value().getJobId())
            + " at "
            + record.topic()
            + "-"
            + record.partition()
            + "@"
            + record.offset()
            + " takes "
            + bytes
            + " bytes, more than the "
            + budget.jobBytes()
            + " a job may take under this worker's max.request.size of "
            + budget.maxRequestSize()
            + " (seven eighths of it less 1 KiB; the rest is its candidate's): the trainer"
            + " accumulator that wrote it runs with a larger producer.max.request.size or"
            + " max.request.size than this worker, and Kafka would refuse the job's candidate."
            + " Give the worker at least the accumulator's value (one properties file for both"
            + " stages, or the chart's shared config) and restart it: the job is left uncommitted"
            + " and is trained then");
  }
}
