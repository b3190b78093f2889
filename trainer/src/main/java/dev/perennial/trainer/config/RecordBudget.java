package dev.perennial.trainer.config;

import dev.perennial.core.config.ProducerRequestSize;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The bytes the trainer's records may take, from the producers' {@code max.request.size} as Kafka
 * Streams reads it ({@code producer.max.request.size} first): the accumulator's and the worker's
 * producers both take that value ({@link ProducerRequestSize}), so one setting sizes both stages. A
 * worker's candidate copies its job's shard lists and adds its own fields, so a job may take only
 * seven eighths of what a record may ({@link #jobBytes}); the last eighth is its candidate's.
 *
 * @param maxRequestSize the producers' {@code max.request.size}
 */
public record RecordBudget(int maxRequestSize) {

  /** What the producer's record and batch overhead take at most, with room to spare. */
  public static final int RECORD_ROOM_BYTES = 1024;

  /** The share of a record's bytes a job leaves to its candidate's own fields: 1 / this. */
  private static final int CANDIDATE_SHARE = 8;

  /**
   * What is wrong with the request size {@code values} give the producers when it leaves a record
   * no room beyond its overhead, one line starting with the key it comes from; empty otherwise or
   * when the value is no number ({@link ProducerRequestSize#problems} says so).
   */
  static Optional<String> problem(Map<String, ?> values) {
    if (!ProducerRequestSize.problems(values).isEmpty()) {
      return Optional.empty();
    }
    int size = ProducerRequestSize.of(values);
    if (size > RECORD_ROOM_BYTES) {
      return Optional.empty();
    }
    String prefixed = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    String key = values.containsKey(prefixed) ? prefixed : ProducerConfig.MAX_REQUEST_SIZE_CONFIG;
    return Optional.of(
        key
            + ": "
            + size
            + " bytes leave a record no room beyond the "
            + RECORD_ROOM_BYTES
            + " its overhead takes: every example would be too large for the accumulator and every"
            + " job for the worker. Give it in bytes, at least the default "
            + ProducerRequestSize.DEFAULT
            + " as a rule");
  }

  /** The budget of {@code config}'s producers. */
  public static RecordBudget of(TrainerConfig config) {
    return new RecordBudget(ProducerRequestSize.of(config.clientProperties()));
  }

  /** The most bytes a record and its key may take: the request size less the record's overhead. */
  public long recordBytes() {
    return maxRequestSize - RECORD_ROOM_BYTES;
  }

  /**
   * The most bytes a job and its key may take ({@link #jobBytes(long)} of {@link #recordBytes}).
   */
  public long jobBytes() {
    return jobBytes(recordBytes());
  }

  /** The bytes a job leaves to its candidate's own fields: the last eighth of a record's. */
  public long candidateBytes() {
    return recordBytes() - jobBytes();
  }

  /** The smallest {@code max.request.size} that leaves a candidate {@code candidateBytes}. */
  public static long requestSizeLeaving(long candidateBytes) {
    return CANDIDATE_SHARE * candidateBytes + RECORD_ROOM_BYTES;
  }

  /** The most bytes a job and its key may take when a record may take {@code recordBytes}. */
  public static long jobBytes(long recordBytes) {
    return recordBytes - recordBytes / CANDIDATE_SHARE;
  }

  /**
   * The bytes a record and its key take, measured as the accumulator measures its jobs: the value
   * single-object encoded ({@code toByteBuffer()}, 5 bytes more than the wire format's) plus the
   * key's UTF-8 bytes.
   */
  public static long size(ByteBuffer singleObject, String key) {
    return singleObject.remaining()
        + (key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length);
  }
}
