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
  /**
   * The production recipe with a plasticity refresh ({@link
   * dev.perennial.model.plasticity.AdapterRefresh}) before an update whenever the last update's
   * learning gain fell below {@link #REFRESH_BELOW} of the first update's (the gain of a fresh
   * adapter on this stream): what refreshing does to the gain and to forgetting.
   */
  REFRESH("refresh", "the production recipe, refreshed when its learning gain falls"),
  /**
   * The production recipe with the trainer's own plasticity monitor, as the service runs it: every
   * {@code perennial.trainer.plasticity.control.every} updates a fresh-adapter control, and a
   * refresh of the next update when the gain fell below {@code plasticity.refresh.below} of the
   * control's. The other variants run with the monitor's controls off.
   */
  MONITOR("monitor", "the production recipe with the service's plasticity monitor and refresh"),
  /**
   * The production recipe with the trainer's recipe search at equal compute: the trials and the
   * candidate's training together within the job's step budget ({@code recipe.search.budget} 1).
   */
  SEARCH("search", "the production recipe with recipe search, at equal compute"),
  /** The same at 1.5 times the compute: the candidate trains its full step budget. */
  SEARCH_WIDE("search-1.5x", "the production recipe with recipe search, at 1.5x compute"),
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
    return this == PRODUCTION
        || this == NO_REPLAY
        || this == REFRESH
        || this == MONITOR
        || this == SEARCH
        || this == SEARCH_WIDE;
  }

  /** A refresh comes when the last gain is below this share of the first update's gain. */
  static final double REFRESH_BELOW = 0.9;

  /** A refresh keeps this share of each module's squared norm (within the rank it keeps). */
  static final double REFRESH_ENERGY = 0.99;

  /** Whether an update trains on every update's data so far. */
  public boolean joint() {
    return this == JOINT;
  }

  /**
   * The step cap of joint training: none to speak of. Its budget follows the recipe's rule (epochs
   * x ceil(examples / new examples per step)) over all data so far, and early stopping ends it, so
   * that it trains to convergence and bounds what the base can hold rather than what a cap allows.
   */
  static final int JOINT_MAX_STEPS = 1_000_000;

  /**
   * The trainer configuration of this variant: the configured one, replay off for no-replay, the
   * step cap lifted for joint.
   */
  public Map<String, String> configure(Map<String, String> values) {
    if (this != MONITOR) {
      values.put(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG, "0");
    }
    if (this == NO_REPLAY) {
      values.put(TrainerConfig.REPLAY_FRACTION_CONFIG, "0");
    }
    if (this == JOINT) {
      values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, Integer.toString(JOINT_MAX_STEPS));
    }
    if (this == SEARCH || this == SEARCH_WIDE) {
      values.put(TrainerConfig.RECIPE_SEARCH_CONFIG, "true");
      values.put(TrainerConfig.RECIPE_SEARCH_BUDGET_CONFIG, this == SEARCH ? "1.0" : "1.5");
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
        "Unknown variant "
            + label
            + " (production, refresh, monitor, search, search-1.5x, no-replay, fresh, joint)");
  }
}
