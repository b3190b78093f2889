package dev.perennial.trainer.config;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.PerennialConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The configuration of the trainer's two deployables, the accumulator ({@code perennial trainer
 * accumulator}) and the worker ({@code perennial trainer worker}), on top of {@link
 * PerennialConfig}'s shared keys.
 *
 * <p>Triggers have defaults ({@code perennial.trainer.trigger.*}) that a tenant can override:
 * {@code perennial.trainer.tenant.<tenant>.trigger.min.examples}, {@code ...min.tokens} and {@code
 * ...max.wait.ms}. Any other key under {@code perennial.trainer.tenant.} is an error.
 */
public class TrainerConfig extends PerennialConfig {

  private static final String TRAINER = PREFIX + "trainer.";

  public static final String TRIGGER_MIN_EXAMPLES_CONFIG = TRAINER + "trigger.min.examples";
  public static final int TRIGGER_MIN_EXAMPLES_DEFAULT = 64;
  private static final String TRIGGER_MIN_EXAMPLES_DOC =
      "Seal an adapter key's pending training examples into a job (trigger MIN_EXAMPLES) once"
          + " this many are pending. Held-out examples ride along and are not counted.";

  public static final String TRIGGER_MIN_TOKENS_CONFIG = TRAINER + "trigger.min.tokens";
  public static final long TRIGGER_MIN_TOKENS_DEFAULT = 32_768;
  private static final String TRIGGER_MIN_TOKENS_DOC =
      "Seal once the pending training examples hold this many tokens (trigger MIN_TOKENS)."
          + " Tokens are counted as UTF-8 bytes of the trained text: exact for the bundled"
          + " byte-level base, an overestimate for subword tokenizers.";

  public static final String TRIGGER_MAX_WAIT_MS_CONFIG = TRAINER + "trigger.max.wait.ms";
  public static final long TRIGGER_MAX_WAIT_MS_DEFAULT = Duration.ofHours(1).toMillis();
  private static final String TRIGGER_MAX_WAIT_MS_DOC =
      "Seal whatever is pending this long after the first pending training example arrived"
          + " (trigger MAX_WAIT), however little it is.";

  /** Per-tenant trigger overrides: {@code perennial.trainer.tenant.<tenant>.<suffix>}. */
  public static final String TENANT_PREFIX = TRAINER + "tenant.";

  public static final String TENANT_MIN_EXAMPLES_SUFFIX = ".trigger.min.examples";
  public static final String TENANT_MIN_TOKENS_SUFFIX = ".trigger.min.tokens";
  public static final String TENANT_MAX_WAIT_MS_SUFFIX = ".trigger.max.wait.ms";
  private static final List<String> TENANT_SUFFIXES =
      List.of(TENANT_MIN_EXAMPLES_SUFFIX, TENANT_MIN_TOKENS_SUFFIX, TENANT_MAX_WAIT_MS_SUFFIX);

  public static final String TRIGGER_CHECK_INTERVAL_MS_CONFIG =
      TRAINER + "trigger.check.interval.ms";
  public static final long TRIGGER_CHECK_INTERVAL_MS_DEFAULT = 1_000;
  private static final String TRIGGER_CHECK_INTERVAL_MS_DOC =
      "How often (wall-clock) the accumulator looks for adapter keys whose maximum wait is over.";

  public static final String HELD_OUT_FRACTION_CONFIG = TRAINER + "held.out.fraction";
  public static final double HELD_OUT_FRACTION_DEFAULT = 0.1;
  private static final String HELD_OUT_FRACTION_DOC =
      "Share of examples held out for evaluation, chosen by the SHA-256 of the example id (the"
          + " same example is always on the same side). Held-out examples go into held-out"
          + " shards and are never trained on.";

  public static final String REPLAY_MAX_SHARDS_CONFIG = TRAINER + "replay.max.shards";
  public static final int REPLAY_MAX_SHARDS_DEFAULT = 16;
  private static final String REPLAY_MAX_SHARDS_DOC =
      "How many of an adapter key's earlier training shards a job lists for replay, spread"
          + " evenly over the key's history (the first and the latest always among them).";

  public static final String ACCUMULATOR_APPLICATION_ID_CONFIG =
      TRAINER + "accumulator.application.id";
  public static final String ACCUMULATOR_APPLICATION_ID_DEFAULT = "perennial-trainer-accumulator";
  private static final String ACCUMULATOR_APPLICATION_ID_DOC =
      "Kafka Streams application.id of the accumulator: its consumer group and the prefix of its"
          + " internal topics.";

  /** An override is defined only when it is given, so it never needs a default. */
  private static final Object NO_OVERRIDE_DEFAULT = ConfigDef.NO_DEFAULT_VALUE;

  private final Map<String, TriggerSettings> tenantTriggers;

  public TrainerConfig(Map<String, String> values) {
    super(definition(values), checked(values));
    this.tenantTriggers = readTenantTriggers();
  }

  /** The trainer's keys on top of the shared ones (without per-tenant overrides). */
  public static ConfigDef configDef() {
    return PerennialConfig.configDef()
        .define(
            TRIGGER_MIN_EXAMPLES_CONFIG,
            Type.INT,
            TRIGGER_MIN_EXAMPLES_DEFAULT,
            Range.atLeast(1),
            Importance.HIGH,
            TRIGGER_MIN_EXAMPLES_DOC)
        .define(
            TRIGGER_MIN_TOKENS_CONFIG,
            Type.LONG,
            TRIGGER_MIN_TOKENS_DEFAULT,
            Range.atLeast(1),
            Importance.HIGH,
            TRIGGER_MIN_TOKENS_DOC)
        .define(
            TRIGGER_MAX_WAIT_MS_CONFIG,
            Type.LONG,
            TRIGGER_MAX_WAIT_MS_DEFAULT,
            Range.atLeast(1),
            Importance.HIGH,
            TRIGGER_MAX_WAIT_MS_DOC)
        .define(
            TRIGGER_CHECK_INTERVAL_MS_CONFIG,
            Type.LONG,
            TRIGGER_CHECK_INTERVAL_MS_DEFAULT,
            Range.atLeast(10),
            Importance.LOW,
            TRIGGER_CHECK_INTERVAL_MS_DOC)
        .define(
            HELD_OUT_FRACTION_CONFIG,
            Type.DOUBLE,
            HELD_OUT_FRACTION_DEFAULT,
            Range.between(0.0, 0.5),
            Importance.MEDIUM,
            HELD_OUT_FRACTION_DOC)
        .define(
            REPLAY_MAX_SHARDS_CONFIG,
            Type.INT,
            REPLAY_MAX_SHARDS_DEFAULT,
            Range.atLeast(0),
            Importance.LOW,
            REPLAY_MAX_SHARDS_DOC)
        .define(
            ACCUMULATOR_APPLICATION_ID_CONFIG,
            Type.STRING,
            ACCUMULATOR_APPLICATION_ID_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            ACCUMULATOR_APPLICATION_ID_DOC);
  }

  /** {@link #configDef()} plus a definition for each per-tenant override among {@code values}. */
  static ConfigDef definition(Map<String, String> values) {
    ConfigDef definition = configDef();
    for (String key : new TreeMap<>(values).keySet()) {
      if (tenantOf(key) == null) {
        continue;
      }
      if (key.endsWith(TENANT_MIN_EXAMPLES_SUFFIX)) {
        definition.define(
            key,
            Type.INT,
            NO_OVERRIDE_DEFAULT,
            Range.atLeast(1),
            Importance.LOW,
            TRIGGER_MIN_EXAMPLES_DOC);
      } else if (key.endsWith(TENANT_MIN_TOKENS_SUFFIX)) {
        definition.define(
            key,
            Type.LONG,
            NO_OVERRIDE_DEFAULT,
            Range.atLeast(1),
            Importance.LOW,
            TRIGGER_MIN_TOKENS_DOC);
      } else {
        definition.define(
            key,
            Type.LONG,
            NO_OVERRIDE_DEFAULT,
            Range.atLeast(1),
            Importance.LOW,
            TRIGGER_MAX_WAIT_MS_DOC);
      }
    }
    return definition;
  }

  /**
   * Checks every value, per-tenant overrides included, and returns them unchanged.
   *
   * @throws InvalidConfigurationException listing every problem at once
   */
  static Map<String, String> checked(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (String key : new TreeMap<>(values).keySet()) {
      if (key.startsWith(TENANT_PREFIX) && tenantOf(key) == null) {
        problems.add(
            key
                + ": not a per-tenant trigger; expected "
                + TENANT_PREFIX
                + "<tenant> followed by one of "
                + TENANT_SUFFIXES);
      }
    }
    for (ConfigValue value : definition(values).validate(values)) {
      if (!value.errorMessages().isEmpty()) {
        problems.add(value.name() + ": " + value.errorMessages().get(0));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return values;
  }

  /** The tenant a per-tenant override key names, or null when the key is not one. */
  static String tenantOf(String key) {
    if (!key.startsWith(TENANT_PREFIX)) {
      return null;
    }
    for (String suffix : TENANT_SUFFIXES) {
      if (key.endsWith(suffix) && key.length() > TENANT_PREFIX.length() + suffix.length()) {
        return key.substring(TENANT_PREFIX.length(), key.length() - suffix.length());
      }
    }
    return null;
  }

  private Map<String, TriggerSettings> readTenantTriggers() {
    Map<String, TriggerSettings> triggers = new TreeMap<>();
    TriggerSettings defaults = defaultTriggers();
    for (String key : originalsStrings().keySet()) {
      String tenant = tenantOf(key);
      if (tenant != null && !triggers.containsKey(tenant)) {
        triggers.put(tenant, tenantTriggers(tenant, defaults));
      }
    }
    return Map.copyOf(triggers);
  }

  private TriggerSettings tenantTriggers(String tenant, TriggerSettings defaults) {
    String base = TENANT_PREFIX + tenant;
    Map<String, ?> parsed = values();
    Object minExamples = parsed.get(base + TENANT_MIN_EXAMPLES_SUFFIX);
    Object minTokens = parsed.get(base + TENANT_MIN_TOKENS_SUFFIX);
    Object maxWaitMs = parsed.get(base + TENANT_MAX_WAIT_MS_SUFFIX);
    return new TriggerSettings(
        minExamples == null ? defaults.minExamples() : (Integer) minExamples,
        minTokens == null ? defaults.minTokens() : (Long) minTokens,
        maxWaitMs == null ? defaults.maxWait() : Duration.ofMillis((Long) maxWaitMs));
  }

  /** The triggers of tenants without overrides. */
  public TriggerSettings defaultTriggers() {
    return new TriggerSettings(
        getInt(TRIGGER_MIN_EXAMPLES_CONFIG),
        getLong(TRIGGER_MIN_TOKENS_CONFIG),
        Duration.ofMillis(getLong(TRIGGER_MAX_WAIT_MS_CONFIG)));
  }

  /** The triggers of {@code tenant}: its overrides, the defaults for the rest. */
  public TriggerSettings triggers(String tenant) {
    return tenantTriggers.getOrDefault(tenant, defaultTriggers());
  }

  /** Every tenant with at least one override, and its triggers. */
  public Map<String, TriggerSettings> tenantTriggers() {
    return tenantTriggers;
  }

  public Duration triggerCheckInterval() {
    return Duration.ofMillis(getLong(TRIGGER_CHECK_INTERVAL_MS_CONFIG));
  }

  public double heldOutFraction() {
    return getDouble(HELD_OUT_FRACTION_CONFIG);
  }

  public int replayMaxShards() {
    return getInt(REPLAY_MAX_SHARDS_CONFIG);
  }

  public String accumulatorApplicationId() {
    return getString(ACCUMULATOR_APPLICATION_ID_CONFIG);
  }
}
