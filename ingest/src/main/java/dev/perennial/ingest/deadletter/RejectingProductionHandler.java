package dev.perennial.ingest.deadletter;

import dev.perennial.schemas.v1.RejectReason;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A result the broker refuses as too large (an example bigger than {@code max.request.size} or the
 * topic's {@code max.message.bytes}) becomes a {@code TOO_LARGE} rejection of its source record,
 * and the application goes on. Every other failure to write or serialize (the registry is down, the
 * broker refuses the producer) stops the application: retrying after a restart loses nothing,
 * skipping would.
 */
public final class RejectingProductionHandler implements ProductionExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(RejectingProductionHandler.class);

  private DeadLetterQueue deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters = DeadLetterQueue.from(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      int size = record.value() == null ? 0 : record.value().length;
      log.warn(
          "Result of record {}-{}@{} for {} is too large ({} bytes); rejecting its source",
          context.topic(),
          context.partition(),
          context.offset(),
          record.topic(),
          size);
      return Response.resume(
          List.of(
              deadLetters.unwritable(
                  context,
                  record.key(),
                  Rejection.of(
                      RejectReason.TOO_LARGE,
                      "the result for "
                          + record.topic()
                          + " has "
                          + size
                          + " bytes, more than the broker takes: "
                          + exception.getMessage()))));
    }
    log.error(
        "Cannot write the result of record {}-{}@{} (task {}) to {}; stopping",
        context.topic(),
        context.partition(),
        context.offset(),
        context.taskId(),
        record.topic(),
        exception);
    return Response.fail();
  }

  @Override
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    log.error(
        "Cannot serialize the {} of the result of record {}-{}@{} (task {}) for {}; stopping",
        origin,
        context.topic(),
        context.partition(),
        context.offset(),
        context.taskId(),
        record.topic(),
        exception);
    return Response.fail();
  }
}
