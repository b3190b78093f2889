package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.serde.OutageAwareDeserializationHandler;
import dev.perennial.schemas.serde.ReadFailure;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bad record ({@link ReadFailure}: unknown schema or corrupt) is logged (topic, partition,
 * offset, cause) and skipped; Kafka Streams counts it in its {@code dropped-records} metric. A
 * registry outage fails the stream thread instead, which the accumulator replaces after a pause:
 * the record is read again, never skipped.
 *
 * <p>An erasure request that cannot be read is never skipped: which subject's data to erase cannot
 * be told, and skipping it would leave that data in shards and releases. It stops the accumulator
 * (logged at ERROR, its liveness says why) until the record reads or an operator moves past it.
 */
public final class TrainerDeserializationHandler extends OutageAwareDeserializationHandler {

  /** The Streams configuration key that names the erasure topic to the handler. */
  public static final String ERASURES_TOPIC_CONFIG = "perennial.trainer.erasures.topic";

  private static final Logger log = LoggerFactory.getLogger(TrainerDeserializationHandler.class);

  private String erasuresTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    if (!(configs.get(ERASURES_TOPIC_CONFIG) instanceof String topic)) {
      throw new ConfigException(
          ERASURES_TOPIC_CONFIG,
          configs.get(ERASURES_TOPIC_CONFIG),
          "the accumulator's deserialization handler must know the erasure topic, whose records"
              + " it never skips");
    }
    erasuresTopic = topic;
  }

  @Override
  protected Response badRecord(
      ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record,
      Exception exception,
      ReadFailure failure) {
    if (context.topic().equals(erasuresTopic)) {
      log.error(
          "Cannot read erasure request {}-{}@{} in task {} ({}): the accumulator stops instead of"
              + " skipping it, which would leave the subject's data in shards and releases. It"
              + " reads the record again when restarted (a schema missing from the registry"
              + " restored); if it never will, have the subject's consent revoked again and move"
              + " the accumulator past this offset (trainer README, \"Erasure\")",
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
}
