package dev.perennial.trainer.worker;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.RecordBudget;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Tells a job sized for a larger {@code max.request.size} than this worker's producer takes. The
 * accumulator writes a job of at most {@link RecordBudget#jobBytes} of its own limit, and one from
 * before that sizing a job of at most {@link RecordBudget#recordBytes}: a job larger than this
 * worker's record budget was written by an accumulator allowed more, the two stages are configured
 * apart and disagree, and the worker could write no candidate of such a job (it copies the job's
 * lists and adds its own fields). That is no job's fault, and it is found on the job's bytes before
 * anything trains: the worker stops, the job uncommitted, rather than train job after job and give
 * each up. A job over seven eighths but within the record budget was legal when written: it trains,
 * and its candidate is committed if it fits or the job given up naming the sizes ({@link
 * JobCommits}).
 */
final class JobBudgetCheck {

  /** The single-object encoding the accumulator measures takes 5 bytes more than the wire's. */
  private static final int SINGLE_OBJECT_EXTRA = 5;

  private JobBudgetCheck() {}

  /** The bytes {@code record}'s job and key take, measured as the accumulator measures them. */
  static long bytes(ConsumerRecord<String, TrainingJob> record) {
    return Math.max(0, record.serializedKeySize())
        + Math.max(0, record.serializedValueSize())
        + SINGLE_OBJECT_EXTRA;
  }

  /**
   * Why {@code record}'s job leaves its candidate less than the eighth of {@code budget}'s record
   * that the accumulator now leaves it, or empty: a job written before the seven-eighths sizing.
   */
  static Optional<String> overJobShare(
      ConsumerRecord<String, TrainingJob> record, RecordBudget budget) {
    long bytes = bytes(record);
    if (bytes <= budget.jobBytes() || bytes > budget.recordBytes()) {
      return Optional.empty();
    }
    return Optional.of(
        takesMoreThan(record, bytes)
            + budget.jobBytes()
            + " a job is now given of max.request.size "
            + budget.maxRequestSize()
            + " (an accumulator from before the seven-eighths sizing wrote it, or one allowed"
            + " more): training it; its candidate is committed if it fits in the "
            + (budget.recordBytes() - bytes)
            + " bytes left, else the job is given up naming the sizes");
  }

  /** Why {@code record}'s job is larger than {@code budget} lets a record be, or empty. */
  static Optional<String> tooLarge(
      ConsumerRecord<String, TrainingJob> record, RecordBudget budget) {
    long bytes = bytes(record);
    if (bytes <= budget.recordBytes()) {
      return Optional.empty();
    }
    return Optional.of(
        takesMoreThan(record, bytes)
            + budget.recordBytes()
            + " a record may take under this worker's max.request.size of "
            + budget.maxRequestSize()
            + " (less 1 KiB; a job is written in seven eighths of it, the rest is its"
            + " candidate's): the trainer accumulator that wrote it runs with a larger"
            + " producer.max.request.size or max.request.size than this worker, and Kafka would"
            + " refuse the job's candidate. Give the worker at least the accumulator's value (one"
            + " properties file for both stages, or the chart's shared config) and restart it: the"
            + " job is left uncommitted and is trained then");
  }

  /** "Job ... at topic-partition@offset takes N bytes, more than the ", which each reason opens. */
  private static String takesMoreThan(ConsumerRecord<String, TrainingJob> record, long bytes) {
    return "Job "
        + RecordIds.shown(record.value().getJobId())
        + " at "
        + record.topic()
        + "-"
        + record.partition()
        + "@"
        + record.offset()
        + " takes "
        + bytes
        + " bytes, more than the ";
  }
}
