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
 * @param checkInterval how often the maximum wait is checked (wall-clock)
 */
public record AccumulatorSettings(
    Function<String, TriggerSettings> triggers,
    double heldOutFraction,
    int replayMaxShards,
    Duration checkInterval) {

  public static AccumulatorSettings from(TrainerConfig config) {
    return new AccumulatorSettings(
        config::triggers,
        config.heldOutFraction(),
        config.replayMaxShards(),
        config.triggerCheckInterval());
  }
}
