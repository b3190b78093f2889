package dev.perennial.cli.bench.continual;

import dev.perennial.trainer.config.TrainerConfig;
import java.util.Locale;
import java.util.Map;

/**
 * How a run of the benchmark trains its updates: the production recipe and the baselines it is
 * measured against, each through the trainer's own job training.
 */
public enum Variant {
  /** The configured recipe: each update continues the previous one's adapter, with replay. */
  PRODUCTION("production", "the production recipe: continue the last release, replay"),
  /** The same without replay: how much replay protects. */
  NO_REPLAY("no-replay", "continual without replay"),
  /** A fresh adapter per update on that update's job: the plasticity control. */
  FRESH("fresh", "a fresh adapter per update"),
  /** A fresh adapter on every update's data so far: the upper bound of the base's capacity. */
  JOINT("joint", "joint training on all data so far (upper bound)");

  private final String label;
  private final String description;

  Variant(String label, String description) {
    this.label = label;
    this.description = description;
  }

  public String label() {
    return label;
  }

  public String description() {
    return description;
  }

  /** Whether an update starts from the previous update's adapter. */
  public boolean continues() {
    return this == PRODUCTION || this == NO_REPLAY;
  }

  /** Whether an update trains on every update's data so far. */
  public boolean joint() {
    return this == JOINT;
  }

  /** The trainer configuration of this variant: the configured one, replay off for no-replay. */
  public Map<String, String> configure(Map<String, String> values) {
    if (this == NO_REPLAY) {
      values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0");
    }
    return values;
  }

  /** {@code production}, {@code no-replay}, ... */
  public static Variant parse(String label) {
    for (Variant variant : values()) {
      if (variant.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
        return variant;
      }
    }
    throw new IllegalArgumentException(
        "Unknown variant " + label + " (production, no-replay, fresh, joint)");
  }
}
