package dev.perennial.trainer.accumulate;

import dev.perennial.trainer.config.RecordBudget;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.config.TriggerSettings;
import java.time.Duration;
import java.util.function.Function;

/**
 * What the accumulator's processor needs from the configuration.
 *
 * @param triggers the triggers of a tenant
 * @param heldOutFraction share of examples held out, by split key (HeldOutSplit)
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
  static final int RECORD_ROOM_BYTES = RecordBudget.RECORD_ROOM_BYTES;

  public static AccumulatorSettings from(TrainerConfig config) {
    return new AccumulatorSettings(
        config::triggers,
        config.heldOutFraction(),
        config.replayMaxShards(),
        config.rebaseRetryGrowth(),
        config.triggerCheckInterval(),
        config.accumulatorApplicationId(),
        RecordBudget.of(config).recordBytes());
  }
}
