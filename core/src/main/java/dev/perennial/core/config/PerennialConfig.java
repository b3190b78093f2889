package dev.perennial.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration every Perennial service shares, and the base of each deployable's own config
 * class ({@code IngestConfig}, {@code TrainerConfig}, ...): those define their keys on top of
 * {@link #configDef()} and call {@link #PerennialConfig(ConfigDef, Map)}.
 *
 * <p>Perennial's own keys start with {@value #PREFIX}. Every other key (Kafka client settings such
 * as {@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, and the
 * Confluent serde settings such as {@code schema.registry.url}, {@code basic.auth.*}) is passed
 * through untouched to the Kafka clients and serdes by {@link #clientProperties()}. Values come
 * from a properties file overridden by environment variables ({@link ConfigLoader}, {@link
 * EnvironmentVariables}).
 *
 * <p>Every value is validated when the config is built, and every problem is reported at once in
 * one {@link InvalidConfigurationException}.
 */
public class PerennialConfig extends AbstractConfig {

  private static final Logger log = LoggerFactory.getLogger(PerennialConfig.class);

  /** Perennial's own keys start with this; every other key is passed through to clients. */
  public static final String PREFIX = "perennial.";

  public static final String BOOTSTRAP_SERVERS_CONFIG =
      CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka brokers to connect to, as host:port pairs. Passed through to every Kafka client.";

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URL(s) of a schema registry that speaks the Confluent REST API (Confluent Schema"
          + " Registry, Apicurio's /apis/ccompat/v7, ...). Passed through to the serdes under"
          + " Confluent's key, like the other serde settings (basic.auth.*).";

  public static final String TOPIC_PREFIX_CONFIG = "perennial.topic.prefix";
  public static final String TOPIC_PREFIX_DEFAULT = "perennial.";
  private static final String TOPIC_PREFIX_DOC =
      "Prefix of every Perennial topic name: the documents topic is <prefix>documents.v1.";

  public static final String TOPIC_PARTITIONS_CONFIG = "perennial.topic.partitions";
  public static final int TOPIC_PARTITIONS_DEFAULT = 6;
  private static final String TOPIC_PARTITIONS_DOC =
      "Partitions of each Perennial topic when it is created. An existing topic with another"
          + " count is reported, not used.";

  public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "perennial.topic.replication.factor";
  public static final short TOPIC_REPLICATION_FACTOR_DEFAULT = -1;
  private static final String TOPIC_REPLICATION_FACTOR_DOC =
      "Replication factor of each Perennial topic when it is created; -1 takes the broker's"
          + " default.replication.factor. Also the replication factor of Kafka Streams' internal"
          + " topics. From 3 on, these topics all get min.insync.replicas=2 (acks=all waits only"
          + " for the in-sync replicas); below 3 the brokers' setting stands.";

  public static final String TOPIC_RETENTION_MS_CONFIG = "perennial.topic.retention.ms";
  public static final long TOPIC_RETENTION_MS_DEFAULT = Duration.ofDays(7).toMillis();
  private static final String TOPIC_RETENTION_MS_DOC =
      "retention.ms of the event topics (documents, feedback, rejected, training jobs,"
          + " candidates, verdicts); -1 keeps records forever.";

  public static final String TOPIC_LONG_RETENTION_MS_CONFIG = "perennial.topic.long.retention.ms";
  public static final long TOPIC_LONG_RETENTION_MS_DEFAULT = -1L;
  private static final String TOPIC_LONG_RETENTION_MS_DOC =
      "retention.ms of the topics that are the system's memory (examples, erasures, audit);"
          + " -1 keeps records forever. Consent and releases are compacted and keep the latest"
          + " record per key.";

  public static final String TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG =
      "perennial.topic.keys.max.compaction.lag.ms";
  public static final long TOPIC_KEYS_MAX_COMPACTION_LAG_MS_DEFAULT =
      Duration.ofHours(1).toMillis();
  private static final String TOPIC_KEYS_MAX_COMPACTION_LAG_MS_DOC =
      "segment.ms and max.compaction.lag.ms of the subject-keys topic and of ingest's key-store"
          + " changelog (ingest appends a roll marker every half of it): an erased subject's data"
          + " key is gone from both logs within 1.5 times this plus the broker's"
          + " log.cleaner.backoff.ms (15 s by default) and the cleaning itself. Ingest's"
          + " consent-store changelog has the same settings (no roll markers). Also segment.ms of"
          + " the documents and feedback topics, whose consumed records ingest deletes: the broker"
          + " frees a segment's disk only once the whole segment is deleted.";

  public static final String ARTIFACT_STORE_PATH_CONFIG = "perennial.artifact.store.path";
  public static final String ARTIFACT_STORE_PATH_DEFAULT = ".perennial/artifacts";
  private static final String ARTIFACT_STORE_PATH_DOC =
      "Folder of the content-addressed artifact store (data shards, adapters). Every service"
          + " that shares artifacts must see the same folder (a shared volume in a cluster).";

  public static final String ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_CONFIG =
      "perennial.artifact.store.abandoned.write.age.ms";
  public static final long ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_DEFAULT =
      Duration.ofDays(1).toMillis();
  private static final String ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_DOC =
      "How long nothing must have been written to the temporary file of a write to the artifact"
          + " store (tmp/write-*.partial, left behind by a process killed while it wrote a blob)"
          + " before the publisher deletes it; it looks at start and then every half of this, at"
          + " most every hour. A write in progress writes its file as it reads its content, so"
          + " this only needs to exceed the longest stall of a live write (a network volume that"
          + " hangs); at least 1 hour.";

  public static final String HTTP_HOST_CONFIG = "perennial.http.host";
  public static final String HTTP_HOST_DEFAULT = "0.0.0.0";
  private static final String HTTP_HOST_DOC = "Address the health and metrics endpoints listen on.";

  public static final String HTTP_PORT_CONFIG = "perennial.http.port";
  public static final int HTTP_PORT_DEFAULT = 8080;
  private static final String HTTP_PORT_DOC =
      "Port of the health (/health/live, /health/ready) and metrics (/metrics) endpoints;"
          + " 0 picks a free port.";

  public static final String START_TIMEOUT_MS_CONFIG = "perennial.start.timeout.ms";
  public static final long START_TIMEOUT_MS_DEFAULT = Duration.ofMinutes(30).toMillis();
  private static final String START_TIMEOUT_MS_DOC =
      "How long a service may take to start (its health endpoints answer meanwhile: live, not"
          + " ready). A start that takes longer is stuck: /health/live turns 503 naming it and the"
          + " process exits with status 1, to be restarted. The default allows for the slowest"
          + " start there is, the publisher re-verifying every served release (some hundred GB"
          + " read at tens of MB/s from a network volume), or a large base read by a worker.";

  private static final ConfigDef CONFIG = configDef();

  private static final String NOT_A_NUMBER = "NaN is not a number; give a decimal such as 0.5";

  /**
   * A decimal as a settings file writes one; Java's parser (Kafka's for a DOUBLE) also takes type
   * suffixes ({@code 7d}, {@code 0.5f}) and hexadecimal ({@code 0x1p3}). {@code Infinity} matches
   * so that it is reported as what it is: not finite.
   */
  private static final Pattern PLAIN_DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?Infinity");

  public PerennialConfig(Map<String, String> values) {
    this(CONFIG, values);
  }

  /**
   * For deployables' config classes: {@code definition} is {@link #configDef()} plus their keys.
   *
   * @throws InvalidConfigurationException listing every invalid or missing value
   */
  protected PerennialConfig(ConfigDef definition, Map<String, String> values) {
    super(definition, requireValid(definition, values), false);
    warnAboutUnknownKeys(definition, values);
  }

  /**
   * A fresh definition of the shared keys, for a deployable to extend with its own. The Helm chart
   * and the docs read keys, defaults and documentation from here.
   */
  public static ConfigDef configDef() {
    return new ConfigDef()
        .define(
            BOOTSTRAP_SERVERS_CONFIG,
            Type.LIST,
            ConfigDef.NO_DEFAULT_VALUE,
            Validators.hostPortList(),
            Importance.HIGH,
            BOOTSTRAP_SERVERS_DOC)
        .define(
            SCHEMA_REGISTRY_URL_CONFIG,
            Type.LIST,
            ConfigDef.NO_DEFAULT_VALUE,
            Validators.httpUrlList(),
            Importance.HIGH,
            SCHEMA_REGISTRY_URL_DOC)
        .define(
            TOPIC_PREFIX_CONFIG,
            Type.STRING,
            TOPIC_PREFIX_DEFAULT,
            Validators.topicPrefix(),
            Importance.MEDIUM,
            TOPIC_PREFIX_DOC)
        .define(
            TOPIC_PARTITIONS_CONFIG,
            Type.INT,
            TOPIC_PARTITIONS_DEFAULT,
            Range.atLeast(1),
            Importance.MEDIUM,
            TOPIC_PARTITIONS_DOC)
        .define(
            TOPIC_REPLICATION_FACTOR_CONFIG,
            Type.SHORT,
            TOPIC_REPLICATION_FACTOR_DEFAULT,
            Validators.positiveOrMinusOne("the broker's default"),
            Importance.MEDIUM,
            TOPIC_REPLICATION_FACTOR_DOC)
        .define(
            TOPIC_RETENTION_MS_CONFIG,
            Type.LONG,
            TOPIC_RETENTION_MS_DEFAULT,
            Validators.positiveOrMinusOne("forever"),
            Importance.MEDIUM,
            TOPIC_RETENTION_MS_DOC)
        .define(
            TOPIC_LONG_RETENTION_MS_CONFIG,
            Type.LONG,
            TOPIC_LONG_RETENTION_MS_DEFAULT,
            Validators.positiveOrMinusOne("forever"),
            Importance.MEDIUM,
            TOPIC_LONG_RETENTION_MS_DOC)
        .define(
            TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG,
            Type.LONG,
            TOPIC_KEYS_MAX_COMPACTION_LAG_MS_DEFAULT,
            Range.between(Duration.ofSeconds(1).toMillis(), Duration.ofDays(7).toMillis()),
            Importance.MEDIUM,
            TOPIC_KEYS_MAX_COMPACTION_LAG_MS_DOC)
        .define(
            ARTIFACT_STORE_PATH_CONFIG,
            Type.STRING,
            ARTIFACT_STORE_PATH_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            ARTIFACT_STORE_PATH_DOC)
        .define(
            ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_CONFIG,
            Type.LONG,
            ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_DEFAULT,
            Range.atLeast(Duration.ofHours(1).toMillis()),
            Importance.LOW,
            ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_DOC)
        .define(
            HTTP_HOST_CONFIG,
            Type.STRING,
            HTTP_HOST_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            HTTP_HOST_DOC)
        .define(
            HTTP_PORT_CONFIG,
            Type.INT,
            HTTP_PORT_DEFAULT,
            Range.between(0, 65535),
            Importance.LOW,
            HTTP_PORT_DOC)
        .define(
            START_TIMEOUT_MS_CONFIG,
            Type.LONG,
            START_TIMEOUT_MS_DEFAULT,
            Range.atLeast(Duration.ofSeconds(1).toMillis()),
            Importance.LOW,
            START_TIMEOUT_MS_DOC);
  }

  /**
   * Checks every value against the definition (a decimal key refuses NaN and infinity ({@code
   * 1e400}), which an open-ended range cannot, and what Java's parser takes beyond a plain decimal:
   * {@code 7d}, {@code 0.5f}, hexadecimal), and that every environment variable could be translated
   * ({@link EnvironmentVariables#problems}), and returns the values unchanged.
   *
   * @throws InvalidConfigurationException listing every problem, each with its key or variable
   */
  public static Map<String, String> requireValid(ConfigDef definition, Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (ConfigValue value : definition.validate(values)) {
      // The first message is the cause; Kafka then also runs the validator on the null it parsed.
      if (!value.errorMessages().isEmpty()) {
        problems.add(value.name() + ": " + value.errorMessages().get(0));
      } else if (value.value() instanceof Double number && number.isNaN()) {
        // NaN passes every Range (no comparison with it is true) and means nothing in any key.
        problems.add(value.name() + ": " + NOT_A_NUMBER);
      } else if (value.value() instanceof Double number && number.isInfinite()) {
        // Infinity ("Infinity", or "1e400" beyond a double's range) passes an open-ended Range
        // (atLeast): an infinite LoRA scale or weight decay turns weights to NaN at the first step,
        // an infinite growth never re-plans. No key needs it: a large finite value says "never".
        problems.add(
            value.name()
                + ": "
                + Objects.toString(values.get(value.name()), number.toString()).trim()
                + " is not finite (it is beyond a double's range); give a decimal such as 0.5"
                + " or 1e6");
      } else if (value.value() instanceof Double
          && values.get(value.name()) != null
          && !PLAIN_DECIMAL.matcher(values.get(value.name()).trim()).matches()) {
        // "7d" would read as 7.0: most likely a duration meant for another key, or a typo
        problems.add(
            value.name()
                + ": "
                + values.get(value.name()).trim()
                + " is not a plain decimal; give one such as 0.5 or 1e-4, without a type suffix");
      }
    }
    problems.addAll(EnvironmentVariables.problems(values));
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return values;
  }

  /**
   * {@value #TOPIC_PREFIX_CONFIG} among {@code values} (its default when not set), checked as the
   * services check it: for the commands that name topics or subjects from a configuration file
   * without building a service's config.
   *
   * @throws InvalidConfigurationException naming the key when the prefix is not a valid one
   */
  public static String topicPrefixOf(Map<String, String> values) {
    return (String) valueOf(configDef(), TOPIC_PREFIX_CONFIG, values);
  }

  /**
   * {@code key} among {@code values} (its default when not set) as {@code definition}, a stage's
   * {@code configDef()}, reads it: trimmed, converted to the key's type and checked by its
   * validator. For the commands that need one of a stage's settings without building its config.
   *
   * @throws InvalidConfigurationException naming the key when the value is not a valid one
   * @throws IllegalArgumentException when {@code definition} has no {@code key}
   */
  public static Object valueOf(ConfigDef definition, String key, Map<String, String> values) {
    ConfigDef.ConfigKey defined = definition.configKeys().get(key);
    if (defined == null) {
      throw new IllegalArgumentException("No key " + key + " in the definition");
    }
    ConfigDef one = new ConfigDef().define(defined);
    Map<String, String> given = new TreeMap<>();
    if (values.containsKey(key)) {
      given.put(key, values.get(key));
    }
    return one.parse(requireValid(one, given)).get(key);
  }

  public List<String> bootstrapServers() {
    return getList(BOOTSTRAP_SERVERS_CONFIG);
  }

  public List<String> schemaRegistryUrls() {
    return getList(SCHEMA_REGISTRY_URL_CONFIG);
  }

  public String topicPrefix() {
    return getString(TOPIC_PREFIX_CONFIG);
  }

  public int topicPartitions() {
    return getInt(TOPIC_PARTITIONS_CONFIG);
  }

  /** The replication factor of new topics; -1 means the broker's default. */
  public short topicReplicationFactor() {
    return getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
  }

  public long topicRetentionMs() {
    return getLong(TOPIC_RETENTION_MS_CONFIG);
  }

  public long topicLongRetentionMs() {
    return getLong(TOPIC_LONG_RETENTION_MS_CONFIG);
  }

  public long topicKeysMaxCompactionLagMs() {
    return getLong(TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG);
  }

  public Path artifactStorePath() {
    return Path.of(getString(ARTIFACT_STORE_PATH_CONFIG));
  }

  /** How long a write's temporary file in the artifact store lies untouched before it goes. */
  public Duration abandonedWriteAge() {
    return Duration.ofMillis(getLong(ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_CONFIG));
  }

  public String httpHost() {
    return getString(HTTP_HOST_CONFIG);
  }

  public int httpPort() {
    return getInt(HTTP_PORT_CONFIG);
  }

  /** How long a service may take to start before it counts as stuck. */
  public Duration startTimeout() {
    return Duration.ofMillis(getLong(START_TIMEOUT_MS_CONFIG));
  }

  /** The string value of {@code key}, or empty when it is not set or blank. */
  protected Optional<String> optionalString(String key) {
    String value = getString(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /**
   * The problem, naming {@code key} and the path, when {@code folder} (the value of {@code key}) is
   * no folder: for a deployable's check of the folders and files it opens at start.
   */
  protected static Optional<String> folderProblem(String key, Path folder) {
    if (Files.isDirectory(folder)) {
      return Optional.empty();
    }
    return Optional.of(
        key
            + ": "
            + folder.toAbsolutePath()
            + (Files.exists(folder) ? " is not a folder" : " does not exist"));
  }

  /**
   * The path {@code values} set {@code key} to, read as a {@code STRING} key is (trimmed), or empty
   * when not set or blank: for a check of the folder a key names while other values are invalid, so
   * that it is reported with them.
   */
  protected static Optional<Path> configuredPath(Map<String, String> values, String key) {
    return Optional.ofNullable(values.get(key))
        .map(String::trim)
        .filter(value -> !value.isEmpty())
        .map(Path::of);
  }

  /**
   * The problem, naming {@code key} and the path, when {@code file} (the value of {@code key}) is
   * no readable file.
   */
  protected static Optional<String> fileProblem(String key, Path file) {
    if (Files.isRegularFile(file) && Files.isReadable(file)) {
      return Optional.empty();
    }
    String what;
    if (!Files.exists(file)) {
      what = " does not exist";
    } else if (Files.isRegularFile(file)) {
      what = " cannot be read";
    } else {
      what = " is not a file";
    }
    return Optional.of(key + ": " + file.toAbsolutePath() + what);
  }

  /**
   * A stable instance name from {@code key}: the configured one, else this host's name (a pod's
   * name in Kubernetes), else {@code localhost}.
   */
  protected String nameOrHostName(String key) {
    return optionalString(key)
        .orElseGet(
            () -> {
              try {
                return InetAddress.getLocalHost().getHostName();
              } catch (UnknownHostException e) {
                return "localhost";
              }
            });
  }

  /**
   * Every key that is not Perennial's own, exactly as given: what Kafka clients and serdes are
   * configured with (bootstrap servers, security, schema registry, ...).
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> client = new TreeMap<>();
    originals()
        .forEach(
            (key, value) -> {
              if (!key.startsWith(PREFIX)) {
                client.put(key, value);
              }
            });
    return client;
  }

  private void warnAboutUnknownKeys(ConfigDef definition, Map<String, String> values) {
    // Not an error: one file or environment may configure several deployables, each defining only
    // its own keys; a typo still shows up here.
    values.keySet().stream()
        .filter(key -> key.startsWith(PREFIX) && !definition.names().contains(key))
        .sorted()
        .forEach(
            key ->
                log.warn(
                    "Configuration key {} is not a key of {}; ignored",
                    key,
                    getClass().getSimpleName()));
  }
}
