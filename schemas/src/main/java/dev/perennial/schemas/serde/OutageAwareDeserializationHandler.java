package dev.perennial.schemas.serde;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams deserialization handler that tells a registry outage from a bad record by {@link
 * ReadFailure}. An outage says nothing about the record, so it fails the stream thread, which the
 * application replaces after a pause: the record is read again once the registry answers, never
 * skipped. A bad record (unknown schema, corrupt) goes to {@link #badRecord}.
 */
public abstract class OutageAwareDeserializationHandler implements DeserializationExceptionHandler {

  private static final Logger log =
      LoggerFactory.getLogger(OutageAwareDeserializationHandler.class);

  @Override
  public final Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    ReadFailure failure = ReadFailure.of(exception);
    if (!failure.badRecord()) {
      log.warn(
          "Cannot read record {}-{}@{} (task {}): the schema registry is unavailable; the record"
              + " is read again, never skipped",
          context.topic(),
          context.partition(),
          context.offset(),
          context.taskId());
      return Response.fail();
    }
    return badRecord(context, record, exception, failure);
  }

  /** What becomes of a record that is no readable record ({@code failure.badRecord()}). */
  protected abstract Response badRecord(
      ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record,
      Exception exception,
      ReadFailure failure);

  @Override
  public void configure(Map<String, ?> configs) {}
}
