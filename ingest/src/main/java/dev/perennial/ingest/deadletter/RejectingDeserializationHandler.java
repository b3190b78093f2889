package dev.perennial.ingest.deadletter;

import dev.perennial.schemas.registry.SchemaNotFoundException;
import dev.perennial.schemas.registry.SchemaRegistryException;
import dev.perennial.schemas.v1.RejectReason;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be deserialized to {@code rejected.v1} and lets the application go on:
 * {@code UNKNOWN_SCHEMA} when the registry has no schema with the record's id, {@code
 * UNDESERIALIZABLE} for anything else that is not a readable record (wrong magic byte, truncated or
 * corrupt Avro, a writer schema the reader cannot read).
 *
 * <p>A registry that cannot be reached (no answer, 5xx, refused credentials) says nothing about the
 * record, so that stops the application instead: dead-lettering would lose a good record.
 */
public final class RejectingDeserializationHandler implements DeserializationExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(RejectingDeserializationHandler.class);
  private static final int MAX_MESSAGE = 500;

  private DeadLetterQueue deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters = DeadLetterQueue.from(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    SchemaRegistryException registryFailure = cause(exception, SchemaRegistryException.class);
    if (registryFailure != null && !(registryFailure instanceof SchemaNotFoundException)) {
      log.error(
          "Cannot read record {}-{}@{} (task {}): the schema registry failed (HTTP {}); stopping"
              + " rather than rejecting a record that may be good",
          context.topic(),
          context.partition(),
          context.offset(),
          context.taskId(),
          registryFailure.httpStatus(),
          exception);
      return Response.fail();
    }
    RejectReason reason =
        registryFailure != null ? RejectReason.UNKNOWN_SCHEMA : RejectReason.UNDESERIALIZABLE;
    String detail = Rejections.quote(String.valueOf(exception.getMessage()), MAX_MESSAGE);
    log.warn(
        "Rejected record {}-{}@{} (task {}) as {}: {}",
        context.topic(),
        context.partition(),
        context.offset(),
        context.taskId(),
        reason,
        detail);
    return Response.resume(
        List.of(
            deadLetters.unreadable(
                context,
                record.key(),
                record.value(),
                Rejection.of(reason, "cannot deserialize: " + detail))));
  }

  static <T extends Throwable> T cause(Throwable throwable, Class<T> type) {
    for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }
}
