package dev.perennial.ingest.deadletter;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops ingest when a result cannot be serialized or written (the registry is down, the broker
 * refuses the producer): after a restart the same input is processed again and nothing is lost,
 * while skipping would lose it. Under exactly-once a failed send also poisons the transaction, so
 * going on is not an option anyway. Examples are kept small enough to be written by {@link
 * dev.perennial.ingest.config.IngestConfig}'s size checks.
 */
public final class StopOnProductionErrorHandler implements ProductionExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(StopOnProductionErrorHandler.class);

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    return stop("Cannot write a record to " + record.topic(), context, exception);
  }

  @Override
  @SuppressWarnings("rawtypes") // the interface's signature
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return stop(
        "Cannot serialize the " + origin + " of a record for " + record.topic(),
        context,
        exception);
  }

  private static Response stop(String problem, ErrorHandlerContext context, Exception exception) {
    log.error(
        "{} (task {}, source {}-{}@{}); stopping",
        problem,
        context.taskId(),
        context.topic(),
        context.partition(),
        context.offset(),
        exception);
    return Response.fail();
  }
}
