package dev.perennial.trainer.accumulate;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.schemas.serde.OutageAwareDeserializationHandler;
import dev.perennial.schemas.serde.ReadFailure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bad record ({@link ReadFailure}: unknown schema or corrupt) is logged (topic, partition,
 * offset, cause) and skipped; Kafka Streams counts it in its {@code dropped-records} metric. But
 * one on {@code candidates.v1} or {@code releases.v1} stops the accumulator instead: it learns of a
 * candidate or release only from its record, so one skipped would never be retracted or purged by a
 * later erasure of a subject it trained on (as for one too large: {@code
 * AccumulatorTopology.fitsRepartition}). A registry outage fails the stream thread instead, which
 * the accumulator replaces after a pause: the record is read again, never skipped.
 */
public final class TrainerDeserializationHandler extends OutageAwareDeserializationHandler {

  private static final Logger log = LoggerFactory.getLogger(TrainerDeserializationHandler.class);

  @Override
  protected Response badRecord(
      ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record,
      Exception exception,
      ReadFailure failure) {
    if (isLineage(context.topic())) {
      log.error(
          "Cannot read {}-{}@{} in task {} ({}): stopping, as a candidate or release skipped here"
              + " would escape every later erasure of a subject it trained on",
          context.topic(),
          context.partition(),
          context.offset(),
          context.taskId(),
          failure,
          exception);
      return Response.fail();
    }
    log.warn(
        "Skipping unreadable record {}-{}@{} in task {} ({})",
        context.topic(),
        context.partition(),
        context.offset(),
        context.taskId(),
        failure,
        exception);
    return Response.resume();
  }

  /**
   * Whether {@code topic} (prefixed) is where the accumulator learns of candidates and releases.
   */
  private static boolean isLineage(String topic) {
    return topic.endsWith(PerennialTopic.CANDIDATES.suffix())
        || topic.endsWith(PerennialTopic.RELEASES.suffix());
  }
}
