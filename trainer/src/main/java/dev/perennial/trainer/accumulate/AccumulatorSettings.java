package dev.perennial.trainer.accumulate;

import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.config.TriggerSettings;
import java.time.Duration;
import java.util.function.Function;

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
 */
public record AccumulatorSettings(
    Function<String, TriggerSettings> triggers,
    double heldOutFraction,
    int replayMaxShards,
    double rebaseRetryGrowth,
    Duration checkInterval,
    String actor) {

  public static AccumulatorSettings from(TrainerConfig config) {
    return new AccumulatorSettings(
        config::triggers,
        config.heldOutFraction(),
        config.replayMaxShards(),
        config.rebaseRetryGrowth(),
        config.triggerCheckInterval(),
        config.accumulatorApplicationId());
  }
}
