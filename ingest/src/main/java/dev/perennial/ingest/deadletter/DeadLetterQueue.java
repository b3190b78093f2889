package dev.perennial.ingest.deadletter;

import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SourceRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Where the deserialization exception handler sends what the topology never saw (records that
 * cannot be deserialized): {@code rejected.v1}, as serialized {@link RejectedRecord}s that Streams
 * writes in the same transaction as the rest of the task's output.
 *
 * <p>Streams creates its handlers from class names, so the one instance of a running ingest reaches
 * them through the Streams configuration, under {@link #CONFIG}.
 */
public final class DeadLetterQueue {

  /** The Streams configuration key that carries this object to the handlers. */
  public static final String CONFIG = "perennial.ingest.dead.letter.queue";

  private final String topic;
  private final Serializer<RejectedRecord> serializer;
  private final IngestMetrics metrics;
  private final boolean keepUnreadableBytes;
  private final Clock clock;

  /**
   * @param keepUnreadableBytes whether rejections of unreadable records keep their bytes
   */
  public DeadLetterQueue(
      Topics topics, IngestMetrics metrics, boolean keepUnreadableBytes, Clock clock) {
    this.topic = topics.rejected().name();
    this.serializer = topics.rejected().valueSerde().serializer();
    this.metrics = metrics;
    this.keepUnreadableBytes = keepUnreadableBytes;
    this.clock = clock;
  }

  /** The instance in a handler's configuration. */
  static DeadLetterQueue from(Map<String, ?> configs) {
    Object queue = configs.get(CONFIG);
    if (!(queue instanceof DeadLetterQueue deadLetterQueue)) {
      throw new ConfigException(
          CONFIG,
          queue,
          "ingest's exception handlers need the dead letter queue that IngestService puts into"
              + " the Streams configuration");
    }
    return deadLetterQueue;
  }

  /**
   * The dead letter of a source record that could not be read. Its key is the source record's key;
   * it keeps the value's bytes only if configured to.
   */
  ProducerRecord<byte[], byte[]> unreadable(
      ErrorHandlerContext context, byte[] key, byte[] value, Rejection rejection) {
    String tenant = tenantOfKey(key);
    SourceRef source = source(context);
    RejectedRecord rejected =
        keepUnreadableBytes
            ? Rejections.withBytes(source, rejection, key, value, tenant, clock.instant())
            : Rejections.withoutContent(source, rejection, tenant, null, clock.instant());
    return deadLetter(key, rejected);
  }

  private ProducerRecord<byte[], byte[]> deadLetter(byte[] key, RejectedRecord rejected) {
    metrics.rejection(rejected.getTenant(), rejected.getReason());
    return new ProducerRecord<>(topic, null, key, serializer.serialize(topic, rejected));
  }

  private static SourceRef source(ErrorHandlerContext context) {
    return Rejections.source(context.topic(), context.partition(), context.offset());
  }

  /** The tenant named by a {@code tenant/subject} key, for the rejection and its metric. */
  private static String tenantOfKey(byte[] key) {
    if (key == null) {
      return null;
    }
    Optional<String> tenant = EventIds.tenantOfKey(new String(key, StandardCharsets.UTF_8));
    return tenant.orElse(null);
  }
}
