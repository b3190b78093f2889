package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.registry.SchemaRegistryException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be read is logged (topic, partition, offset, cause) and skipped, except when
 * the schema registry did not answer or failed: then every record would be skipped, so the
 * accumulator stops instead and reads the record again after a restart.
 */
public final class TrainerDeserializationHandler implements DeserializationExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(TrainerDeserializationHandler.class);

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (registryUnavailable(exception)) {
      log.error(
          "Cannot read {}-{}@{} because the schema registry is unavailable; stopping",
          context.topic(),
          context.partition(),
          context.offset(),
          exception);
      return Response.fail();
    }
    log.warn(
        "Skipping unreadable record {}-{}@{} in task {}",
        context.topic(),
        context.partition(),
        context.offset(),
        context.taskId(),
        exception);
    return Response.resume();
  }

  static boolean registryUnavailable(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof SchemaRegistryException registry
          && (registry.httpStatus() == SchemaRegistryException.NO_RESPONSE
              || registry.httpStatus() >= 500)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void configure(Map<String, ?> configs) {}
}
