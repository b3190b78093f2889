package dev.perennial.ingest.deadletter;

import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SourceRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
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
  private final Serializer<String> keySerializer;
  private final Serializer<RejectedRecord> serializer;
  private final Pseudonymizer pseudonymizer;
  private final IngestMetrics metrics;
  private final UnreadableRejections unreadable;
  private final Clock clock;

  /**
   * @param pseudonymizer ingest's, for the dead letters' keys ({@link RejectionKeyer#key})
   * @param unreadable whether and up to what size rejections keep the records' bytes
   */
  public DeadLetterQueue(
      Topics topics,
      IngestMetrics metrics,
      Pseudonymizer pseudonymizer,
      UnreadableRejections unreadable,
      Clock clock) {
    this.topic = topics.rejected().name();
    this.keySerializer = topics.rejected().keySerde().serializer();
    this.serializer = topics.rejected().valueSerde().serializer();
    this.pseudonymizer = pseudonymizer;
    this.metrics = metrics;
    this.unreadable = unreadable;
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
   * The dead letter of a source record that could not be read, keyed as the topology keys its
   * rejections ({@link RejectionKeyer}), never by the source record's key; it keeps the key's and
   * value's bytes only as {@link UnreadableRejections} says.
   */
  ProducerRecord<byte[], byte[]> unreadable(
      ErrorHandlerContext context, byte[] key, byte[] value, Rejection rejection) {
    String sourceKey = key == null ? null : new String(key, StandardCharsets.UTF_8);
    String tenant = EventIds.tenantOfKey(sourceKey).orElse(null);
    RejectedRecord rejected =
        unreadable.rejection(source(context), key, value, rejection, tenant, clock.instant());
    return deadLetter(rejectionKey(sourceKey), rejected);
  }

  /**
   * Handlers of several stream threads share this queue, and a pseudonymizer is not thread-safe.
   */
  private synchronized String rejectionKey(String sourceKey) {
    return RejectionKeyer.key(sourceKey, pseudonymizer);
  }

  private ProducerRecord<byte[], byte[]> deadLetter(String key, RejectedRecord rejected) {
    metrics.rejection(rejected.getTenant(), rejected.getReason());
    return new ProducerRecord<>(
        topic, null, keySerializer.serialize(topic, key), serializer.serialize(topic, rejected));
  }

  private static SourceRef source(ErrorHandlerContext context) {
    return Rejections.source(context.topic(), context.partition(), context.offset());
  }
}
