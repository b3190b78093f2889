package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.serde.OutageAwareDeserializationHandler;
import dev.perennial.schemas.serde.ReadFailure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bad record ({@link ReadFailure}: unknown schema or corrupt) is logged (topic, partition,
 * offset, cause) and skipped; Kafka Streams counts it in its {@code dropped-records} metric. A
 * registry outage fails the stream thread instead, which the accumulator replaces after a pause:
 * the record is read again, never skipped.
 */
public final class TrainerDeserializationHandler extends OutageAwareDeserializationHandler {

  private static final Logger log = LoggerFactory.getLogger(TrainerDeserializationHandler.class);

  @Override
  protected Response badRecord(
      ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record,
      Exception exception,
      ReadFailure failure) {
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
}
