package dev.perennial.trainer.config;

import java.time.Duration;

/**
 * When the accumulator seals an adapter key's pending training examples into a job: as soon as
 * {@code minExamples} examples or {@code minTokens} tokens are pending, or {@code maxWait} after
 * the first of them arrived, whichever comes first.
 */
public record TriggerSettings(int minExamples, long minTokens, Duration maxWait) {

  public TriggerSettings {
    if (minExamples < 1 || minTokens < 1 || maxWait == null || maxWait.toMillis() < 1) {
      throw new IllegalArgumentException(
          "trigger thresholds must be positive: "
              + minExamples
              + " examples, "
              + minTokens
              + " tokens, "
              + maxWait);
    }
  }
}
