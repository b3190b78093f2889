package dev.perennial.ingest.deadletter;

import dev.perennial.schemas.serde.OutageAwareDeserializationHandler;
import dev.perennial.schemas.serde.ReadFailure;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records of {@code documents.v1} and {@code feedback.v1} that cannot be deserialized to
 * {@code rejected.v1} and lets the application go on (consent is read as bytes and decoded by
 * {@code ConsentReader}, which revokes on what it cannot read): {@code UNKNOWN_SCHEMA} when the
 * registry has no schema with the record's id or one Avro cannot use (a JSON or Protobuf schema, an
 * Avro schema with references), {@code UNDESERIALIZABLE} for anything else that is not a readable
 * record (wrong magic byte, truncated or corrupt Avro, a writer schema the reader cannot read).
 *
 * <p>A registry outage ({@link ReadFailure#OUTAGE}: no answer, 5xx, refused credentials) says
 * nothing about the record, so the stream thread fails instead and ingest replaces it after a
 * pause: the record is read again once the registry answers; dead-lettering would lose a good one.
 */
public final class RejectingDeserializationHandler extends OutageAwareDeserializationHandler {

  private static final Logger log = LoggerFactory.getLogger(RejectingDeserializationHandler.class);

  private DeadLetterQueue deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters = DeadLetterQueue.from(configs);
  }

  @Override
  protected Response badRecord(
      ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record,
      Exception exception,
      ReadFailure failure) {
    Rejection rejection = UnreadableRejections.why(failure, exception);
    log.warn(
        "Rejected record {}-{}@{} (task {}) as {}: {}",
        context.topic(),
        context.partition(),
        context.offset(),
        context.taskId(),
        rejection.reason(),
        rejection.detail());
    return Response.resume(
        List.of(deadLetters.unreadable(context, record.key(), record.value(), rejection)));
  }
}
