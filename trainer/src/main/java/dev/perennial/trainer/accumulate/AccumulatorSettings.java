package dev.perennial.trainer.accumulate;

import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.config.TriggerSettings;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the accumulator's processor needs from the configuration.
 *
 * @param triggers the triggers of a tenant
 * @param heldOutFraction share of examples held out, by example id
 * @param replayMaxShards earlier training shards a job lists for replay
 * @param rebaseRetryGrowth how many times the held-out shards an undecided REBASE job was judged on
 *     the key's pool must hold before the key is re-based again
 * @param checkInterval how often the maximum wait is checked (wall-clock)
 * @param actor who the accumulator's audit events name (its application id)
 * @param maxEventBytes the most bytes an event and its key (the tenant) may take in the
 *     accumulator's repartition topic: its producer's {@code max.request.size} less room for the
 *     record's overhead
 */
public record AccumulatorSettings(
    Function<String, TriggerSettings> triggers,
    double heldOutFraction,
    int replayMaxShards,
    double rebaseRetryGrowth,
    Duration checkInterval,
    String actor,
    long maxEventBytes) {

  /** What the producer's record and batch overhead take at most, with room to spare. */
  static final int RECORD_ROOM_BYTES = 1024;

  public static AccumulatorSettings from(TrainerConfig config) {
    return new AccumulatorSettings(
        config::triggers,
        config.heldOutFraction(),
        config.replayMaxShards(),
        config.rebaseRetryGrowth(),
        config.triggerCheckInterval(),
        config.accumulatorApplicationId(),
        maxRequestSize(config) - RECORD_ROOM_BYTES);
  }

  /** The producer's {@code max.request.size}, as Streams reads it (producer-prefixed first). */
  private static long maxRequestSize(TrainerConfig config) {
    Map<String, Object> client = config.clientProperties();
    Object size =
        client.getOrDefault(
            StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
            client.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    return size == null ? DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(String.valueOf(size).trim());
  }

  private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
}
