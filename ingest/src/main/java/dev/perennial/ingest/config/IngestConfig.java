package dev.perennial.ingest.config;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.ProducerRequestSize;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.config.TenantSettings;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.kafka.GroupIds;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.ingest.redact.CustomPatterns;
import dev.perennial.ingest.validate.RatingThresholds;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The configuration of the ingest service: the keys every service shares ({@link PerennialConfig})
 * plus ingest's own. Kafka Streams settings ({@code num.stream.threads}, {@code state.dir}, ...)
 * pass through unchanged like every other client key.
 */
public final class IngestConfig extends PerennialConfig {

  public static final String APPLICATION_ID_CONFIG = "perennial.ingest.application.id";
  public static final String APPLICATION_ID_DEFAULT = "";
  private static final String APPLICATION_ID_DOC =
      "Kafka Streams application.id of ingest: its consumer group, and the prefix of its internal"
          + " topics (state store changelogs) and transactional ids. Every instance of one"
          + " deployment shares it. Empty: <topic prefix>ingest, under the default prefix"
          + " perennial. perennial-ingest as in earlier releases.";

  public static final String PSEUDONYM_SECRET_CONFIG = "perennial.ingest.pseudonym.secret";
  public static final int PSEUDONYM_SECRET_MIN_LENGTH = 32;

  /**
   * The pseudonym secret of {@code perennial local}: fixed and published, so refused everywhere
   * else ({@link #forLocalRun}).
   */
  public static final String LOCAL_PSEUDONYM_SECRET =
      "perennial-local-only-pseudonym-secret-never-use-it-elsewhere";

  private static final String PSEUDONYM_SECRET_DOC =
      "Secret key of the subject pseudonyms (HMAC-SHA-256 of tenant/subject), at least "
          + PSEUDONYM_SECRET_MIN_LENGTH
          + " characters. This or "
          + "perennial.ingest.pseudonym.secret.file is required. Keep it in a secret store (a"
          + " Kubernetes Secret, set as PERENNIAL_INGEST_PSEUDONYM_SECRET): whoever holds it can"
          + " link pseudonyms to user ids. Changing it changes every pseudonym, so erasures no"
          + " longer match earlier examples: ingest records the secret's fingerprint at its first"
          + " start and refuses to start with another secret unless"
          + " perennial.ingest.pseudonym.secret.replaces declares the change.";

  public static final String PSEUDONYM_SECRET_FILE_CONFIG =
      "perennial.ingest.pseudonym.secret.file";
  private static final String PSEUDONYM_SECRET_FILE_DOC =
      "A file holding the pseudonym secret (UTF-8; a trailing line break is ignored), for example"
          + " a mounted Kubernetes Secret. Instead of perennial.ingest.pseudonym.secret.";

  public static final String PSEUDONYM_SECRET_REPLACES_CONFIG =
      "perennial.ingest.pseudonym.secret.replaces";
  private static final String PSEUDONYM_SECRET_REPLACES_DOC =
      "Set only to change the pseudonym secret on purpose: the fingerprint (32 hex digits) of the"
          + " secret being replaced, as ingest recorded it and printed it when it refused to start"
          + " with the new one. Ingest then records the new secret's fingerprint and starts. Data"
          + " written before keeps its old pseudonyms, so later erasures no longer reach it (the"
          + " README's 'Changing the pseudonym secret' says what to do). Once the change is"
          + " recorded the value approves nothing else and may stay or go.";

  public static final String TRAINING_PURPOSE_CONFIG = "perennial.ingest.training.purpose";
  public static final String TRAINING_PURPOSE_DEFAULT = "adapter-training";
  private static final String TRAINING_PURPOSE_DOC =
      "The consent purpose that admits a subject's events into training. Consent changes for other"
          + " purposes never change it; they are counted"
          + " (perennial_ingest_consent_changes_total{decision=\"other-purpose\"}).";

  public static final String MAX_TEXT_BYTES_CONFIG = "perennial.ingest.max.text.bytes";
  public static final int MAX_TEXT_BYTES_DEFAULT = 64 * 1024;
  private static final String MAX_TEXT_BYTES_DOC =
      "Largest text field of an event (document content, prompt, response, correction, chosen,"
          + " rejected), in bytes of UTF-8, as sent and once personal data is redacted (a"
          + " placeholder can be longer than what it replaces). A larger field rejects the event"
          + " with reason TOO_LARGE.";

  public static final String MAX_FUTURE_SKEW_MS_CONFIG = "perennial.ingest.max.future.skew.ms";
  public static final long MAX_FUTURE_SKEW_MS_DEFAULT = Duration.ofMinutes(5).toMillis();
  private static final String MAX_FUTURE_SKEW_MS_DOC =
      "How far an event's occurredAt may lie ahead of ingest's clock (clock skew between apps and"
          + " ingest). Later timestamps, and any before 2000-01-01, reject the event with reason"
          + " INVALID_FIELD.";

  public static final String DEDUP_WINDOW_MS_CONFIG = "perennial.ingest.dedup.window.ms";
  public static final long DEDUP_WINDOW_MS_DEFAULT = Duration.ofHours(24).toMillis();
  private static final String DEDUP_WINDOW_MS_DOC =
      "How long an admitted event id is remembered, on ingest's clock from its admission (the"
          + " record's own timestamp plays no part): an event with the same id, tenant and kind"
          + " within this window is rejected as DUPLICATE. Also the retention of the dedup state"
          + " store, which bounds its size.";

  public static final String POSITIVE_RATING_MIN_CONFIG = "perennial.ingest.positive.rating.min";
  public static final int POSITIVE_RATING_MIN_DEFAULT = 4;
  private static final String POSITIVE_RATING_MIN_DOC =
      "Lowest rating (1 to 5) that makes the rated response a desirable RATING example (trained"
          + " by KTO towards it). Must be above perennial.ingest.negative.rating.max.";

  public static final String NEGATIVE_RATING_MAX_CONFIG = "perennial.ingest.negative.rating.max";
  public static final int NEGATIVE_RATING_MAX_DEFAULT = 2;
  private static final String NEGATIVE_RATING_MAX_DOC =
      "Highest rating (1 to 5) that makes the rated response an undesirable RATING example"
          + " (trained by KTO away from it): thumbs down (1) is signal. A rating between this and"
          + " perennial.ingest.positive.rating.min is neutral and rejected (INVALID_FIELD, 'no"
          + " training signal') unless it carries a correction. A rating below the positive"
          + " threshold that carries a correction becomes a CORRECTION example instead.";

  public static final String REJECTED_KEEP_BYTES_CONFIG = "perennial.ingest.rejected.keep.bytes";
  public static final boolean REJECTED_KEEP_BYTES_DEFAULT = false;
  private static final String REJECTED_KEEP_BYTES_DOC =
      "Whether rejections of records that cannot be read (UNDESERIALIZABLE, UNKNOWN_SCHEMA) keep"
          + " the original value bytes. Off by default: unreadable bytes may hold content of"
          + " subjects who never consented, and no erasure reaches them: they stay in rejected.v1,"
          + " raw key (tenant/subject) and value, until its retention. Turn on briefly to debug a"
          + " producer. Every other"
          + " rejection keeps ids and offsets only, never content.";

  public static final String INPUT_TOPICS_CONFIG = "perennial.ingest.input.topics";
  public static final String INPUT_TOPICS_DEFAULT = InputTopics.SHARED.label();
  private static final String INPUT_TOPICS_DOC =
      "Where apps write their events. shared: every tenant writes <prefix>documents.v1,"
          + " feedback.v1 and consent.v1, and an event's tenant is what it says (single-tenant"
          + " installs, or apps you trust alike). per-tenant: each tenant writes its own"
          + " <prefix>in.<tenant>.documents.v1, .feedback.v1 and .consent.v1, which Kafka ACLs"
          + " on the prefix <prefix>in.<tenant>. let only that tenant's principal write; ingest"
          + " reads them by pattern, takes the tenant from the topic and rejects an event or"
          + " consent record naming another tenant (INVALID_FIELD, tenant mismatch). Every"
          + " tenant's topics need the same partition count.";

  public static final String INPUT_PURGE_INTERVAL_MS_CONFIG =
      "perennial.ingest.input.purge.interval.ms";
  public static final long INPUT_PURGE_INTERVAL_MS_DEFAULT = Duration.ofMinutes(1).toMillis();
  private static final String INPUT_PURGE_INTERVAL_MS_DOC =
      "How often ingest deletes the documents and feedback records it has committed past from"
          + " their topics (Kafka's DeleteRecords), so the apps' raw content does not outlive its"
          + " processing; 0 keeps them for the topics' retention instead. Consent records (no"
          + " content, compacted) are kept.";

  /** Custom personal-data patterns per tenant: {@code perennial.ingest.tenant.<t>.pii.patterns}. */
  public static final String TENANT_PREFIX = "perennial.ingest.tenant.";

  public static final String PII_PATTERNS_SUFFIX = ".pii.patterns";
  private static final String PII_PATTERNS_DOC =
      "A tenant's own kinds of personal data, redacted after the built-in ones: NAME=regex"
          + " entries, one per line (\\n in a properties file), NAME in upper case (the"
          + " placeholder is <NAME>, counted as NAME), regex in Java syntax, for example"
          + " CUSTOMER_NUMBER=ACME-[0-9]{6}.";

  private static final TenantSettings TENANT_SETTINGS =
      new TenantSettings(
              TENANT_PREFIX,
              List.of(
                  new TenantSettings.Setting(
                      PII_PATTERNS_SUFFIX,
                      Type.STRING,
                      (name, value) -> {
                        if (value != null) {
                          CustomPatterns.validate(name, (String) value);
                        }
                      },
                      PII_PATTERNS_DOC)))
          .requireTenants(AdapterKey::isValidName, AdapterKey.NAME_RULE);

  /** How apps' events reach ingest. */
  public enum InputTopics {
    SHARED("shared"),
    PER_TENANT("per-tenant");

    private final String label;

    InputTopics(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static InputTopics parse(String value) {
      for (InputTopics mode : values()) {
        if (mode.label.equals(value)) {
          return mode;
        }
      }
      throw new IllegalArgumentException(
          "unknown input topics " + value + "; expected shared or per-tenant");
    }
  }

  /** A PREFERENCE example carries prompt, chosen and rejected. */
  static final int EXAMPLE_TEXT_FIELDS = 3;

  /** Room for an example's ids, pseudonym, source, redaction counts and wire-format header. */
  static final int EXAMPLE_OVERHEAD_BYTES = 16 * 1024;

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{32}");

  private static final ConfigDef CONFIG =
      StreamsSettings.define(MasterKeySettings.define(PerennialConfig.configDef()))
          .define(
              APPLICATION_ID_CONFIG,
              Type.STRING,
              APPLICATION_ID_DEFAULT,
              Importance.MEDIUM,
              APPLICATION_ID_DOC)
          .define(
              PSEUDONYM_SECRET_CONFIG,
              Type.PASSWORD,
              null,
              IngestConfig::validateSecret,
              Importance.HIGH,
              PSEUDONYM_SECRET_DOC)
          .define(
              PSEUDONYM_SECRET_FILE_CONFIG,
              Type.STRING,
              null,
              IngestConfig::validateSecretFile,
              Importance.HIGH,
              PSEUDONYM_SECRET_FILE_DOC)
          .define(
              PSEUDONYM_SECRET_REPLACES_CONFIG,
              Type.STRING,
              null,
              IngestConfig::validateFingerprint,
              Importance.MEDIUM,
              PSEUDONYM_SECRET_REPLACES_DOC)
          .define(
              TRAINING_PURPOSE_CONFIG,
              Type.STRING,
              TRAINING_PURPOSE_DEFAULT,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.MEDIUM,
              TRAINING_PURPOSE_DOC)
          .define(
              MAX_TEXT_BYTES_CONFIG,
              Type.INT,
              MAX_TEXT_BYTES_DEFAULT,
              Range.between(1, 512 * 1024),
              Importance.MEDIUM,
              MAX_TEXT_BYTES_DOC)
          .define(
              MAX_FUTURE_SKEW_MS_CONFIG,
              Type.LONG,
              MAX_FUTURE_SKEW_MS_DEFAULT,
              Range.atLeast(0),
              Importance.LOW,
              MAX_FUTURE_SKEW_MS_DOC)
          .define(
              DEDUP_WINDOW_MS_CONFIG,
              Type.LONG,
              DEDUP_WINDOW_MS_DEFAULT,
              Range.between(Duration.ofSeconds(1).toMillis(), Duration.ofDays(365).toMillis()),
              Importance.MEDIUM,
              DEDUP_WINDOW_MS_DOC)
          .define(
              POSITIVE_RATING_MIN_CONFIG,
              Type.INT,
              POSITIVE_RATING_MIN_DEFAULT,
              Range.between(1, 5),
              Importance.LOW,
              POSITIVE_RATING_MIN_DOC)
          .define(
              NEGATIVE_RATING_MAX_CONFIG,
              Type.INT,
              NEGATIVE_RATING_MAX_DEFAULT,
              Range.between(1, 5),
              Importance.LOW,
              NEGATIVE_RATING_MAX_DOC)
          .define(
              REJECTED_KEEP_BYTES_CONFIG,
              Type.BOOLEAN,
              REJECTED_KEEP_BYTES_DEFAULT,
              Importance.LOW,
              REJECTED_KEEP_BYTES_DOC)
          .define(
              INPUT_TOPICS_CONFIG,
              Type.STRING,
              INPUT_TOPICS_DEFAULT,
              ConfigDef.ValidString.in(InputTopics.SHARED.label(), InputTopics.PER_TENANT.label()),
              Importance.HIGH,
              INPUT_TOPICS_DOC)
          .define(
              INPUT_PURGE_INTERVAL_MS_CONFIG,
              Type.LONG,
              INPUT_PURGE_INTERVAL_MS_DEFAULT,
              Range.between(0, Duration.ofDays(1).toMillis()),
              Importance.MEDIUM,
              INPUT_PURGE_INTERVAL_MS_DOC);

  private final Password pseudonymSecret;
  private final MasterKeys masterKeys;
  private final Map<String, CustomPatterns> customPatterns;

  /**
   * Ingest's configuration for real data: the pseudonym secret must be strong and not the local
   * run's published one.
   *
   * @throws InvalidConfigurationException listing every invalid or missing value
   */
  public IngestConfig(Map<String, String> values) {
    this(values, false);
  }

  /**
   * Ingest's configuration inside {@code perennial local} (sample data): any secret of the required
   * length, {@link #LOCAL_PSEUDONYM_SECRET} included.
   *
   * @throws InvalidConfigurationException listing every invalid or missing value
   */
  public static IngestConfig forLocalRun(Map<String, String> values) {
    return new IngestConfig(values, true);
  }

  private IngestConfig(Map<String, String> values, boolean localRun) {
    super(definition(values), checked(values, localRun));
    String file = getString(PSEUDONYM_SECRET_FILE_CONFIG);
    pseudonymSecret =
        file == null ? getPassword(PSEUDONYM_SECRET_CONFIG) : new Password(readSecret(file));
    masterKeys = MasterKeySettings.masterKeys(this).orElseThrow();
    Map<String, CustomPatterns> patterns = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          String tenant = TENANT_SETTINGS.tenantOf(key);
          if (tenant != null && key.endsWith(PII_PATTERNS_SUFFIX)) {
            patterns.put(tenant, CustomPatterns.parse(getString(key)));
          }
        });
    customPatterns = Map.copyOf(patterns);
  }

  /** Ingest's keys with a definition for each per-tenant key among {@code values}. */
  private static ConfigDef definition(Map<String, String> values) {
    return TENANT_SETTINGS.define(new ConfigDef(CONFIG), values);
  }

  /** Every problem of the values, those between keys included, at once. */
  private static Map<String, String> checked(Map<String, String> values, boolean localRun) {
    List<String> problems = new ArrayList<>();
    try {
      TENANT_SETTINGS.check(definition(values), values);
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    }
    MasterKeySettings.problem(values, true).ifPresent(problems::add);
    boolean secret = values.get(PSEUDONYM_SECRET_CONFIG) != null;
    boolean secretFile = values.get(PSEUDONYM_SECRET_FILE_CONFIG) != null;
    if (secret == secretFile) {
      problems.add(
          PSEUDONYM_SECRET_CONFIG
              + ": set exactly one of it and "
              + PSEUDONYM_SECRET_FILE_CONFIG
              + (secret ? " (both are set)" : " (neither is set)"));
    }
    if (!localRun && secret != secretFile) {
      secretWeakness(values).ifPresent(problems::add);
    }
    problems.addAll(ProducerRequestSize.problems(values));
    exampleSizeProblem(values).ifPresent(problems::add);
    ratingThresholdsProblem(values).ifPresent(problems::add);
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return values;
  }

  /** The negative rating threshold must lie below the positive one. */
  private static Optional<String> ratingThresholdsProblem(Map<String, String> values) {
    int positive;
    int negative;
    try {
      positive =
          Integer.parseInt(
              values
                  .getOrDefault(
                      POSITIVE_RATING_MIN_CONFIG, Integer.toString(POSITIVE_RATING_MIN_DEFAULT))
                  .trim());
      negative =
          Integer.parseInt(
              values
                  .getOrDefault(
                      NEGATIVE_RATING_MAX_CONFIG, Integer.toString(NEGATIVE_RATING_MAX_DEFAULT))
                  .trim());
    } catch (NumberFormatException e) {
      return Optional.empty(); // reported by the key's own check
    }
    return negative < positive
        ? Optional.empty()
        : Optional.of(
            NEGATIVE_RATING_MAX_CONFIG
                + ": "
                + negative
                + " must be below "
                + POSITIVE_RATING_MIN_CONFIG
                + " ("
                + positive
                + ")");
  }

  /**
   * The largest example (three text fields at the limit: a PREFERENCE) must fit the producer's
   * request size: under exactly-once a record the producer refuses cannot be skipped, it stops
   * ingest.
   */
  private static Optional<String> exampleSizeProblem(Map<String, String> values) {
    if (!ProducerRequestSize.problems(values).isEmpty()) {
      return Optional.empty(); // reported on its own
    }
    long maxRequestSize = ProducerRequestSize.of(values);
    long maxTextBytes;
    try {
      maxTextBytes =
          Long.parseLong(
              values
                  .getOrDefault(MAX_TEXT_BYTES_CONFIG, Integer.toString(MAX_TEXT_BYTES_DEFAULT))
                  .trim());
    } catch (NumberFormatException e) {
      return Optional.empty(); // reported by the key's own check
    }
    long largestExample = EXAMPLE_TEXT_FIELDS * maxTextBytes + EXAMPLE_OVERHEAD_BYTES;
    if (largestExample <= maxRequestSize) {
      return Optional.empty();
    }
    return Optional.of(
        MAX_TEXT_BYTES_CONFIG
            + ": "
            + maxTextBytes
            + " lets an example grow to "
            + largestExample
            + " bytes, more than the producer's max.request.size of "
            + maxRequestSize
            + "; lower it or raise max.request.size (and the topics' max.message.bytes)");
  }

  /**
   * Every key of ingest, the shared ones included (without per-tenant keys), with its type, default
   * and documentation (docs and the Helm chart). Hides {@link PerennialConfig#configDef()}.
   */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** The configured application.id, else the topic prefix's ({@link GroupIds}). */
  public String applicationId() {
    return GroupIds.of(topicPrefix(), StageAcls.Stage.INGEST, getString(APPLICATION_ID_CONFIG));
  }

  /** The pseudonym secret, given directly or read from its file. */
  public Password pseudonymSecret() {
    return pseudonymSecret;
  }

  /** The key that configured the pseudonym secret: the secret itself or its file. */
  public String pseudonymSecretKey() {
    return getString(PSEUDONYM_SECRET_FILE_CONFIG) == null
        ? PSEUDONYM_SECRET_CONFIG
        : PSEUDONYM_SECRET_FILE_CONFIG;
  }

  /** The fingerprint of the secret an intended change replaces, when one is declared. */
  public Optional<String> pseudonymSecretReplaces() {
    return Optional.ofNullable(getString(PSEUDONYM_SECRET_REPLACES_CONFIG));
  }

  public String trainingPurpose() {
    return getString(TRAINING_PURPOSE_CONFIG);
  }

  public int maxTextBytes() {
    return getInt(MAX_TEXT_BYTES_CONFIG);
  }

  public Duration maxFutureSkew() {
    return Duration.ofMillis(getLong(MAX_FUTURE_SKEW_MS_CONFIG));
  }

  public Duration dedupWindow() {
    return Duration.ofMillis(getLong(DEDUP_WINDOW_MS_CONFIG));
  }

  /** What a rating marks its response as (desirable, undesirable, neutral). */
  public RatingThresholds ratingThresholds() {
    return new RatingThresholds(
        getInt(POSITIVE_RATING_MIN_CONFIG), getInt(NEGATIVE_RATING_MAX_CONFIG));
  }

  public boolean rejectedKeepBytes() {
    return getBoolean(REJECTED_KEEP_BYTES_CONFIG);
  }

  /** The master keys that wrap subjects' data keys. */
  public MasterKeys masterKeys() {
    return masterKeys;
  }

  public InputTopics inputTopics() {
    return InputTopics.parse(getString(INPUT_TOPICS_CONFIG));
  }

  /** How often consumed app events are deleted from their topics; zero: never. */
  public Duration inputPurgeInterval() {
    return Duration.ofMillis(getLong(INPUT_PURGE_INTERVAL_MS_CONFIG));
  }

  /** Each tenant's own personal-data patterns (tenants without any are absent). */
  public Map<String, CustomPatterns> customPiiPatterns() {
    return customPatterns;
  }

  /** What makes the configured secret unfit for real data (a file that fails is reported apart). */
  private static Optional<String> secretWeakness(Map<String, String> values) {
    String inline = values.get(PSEUDONYM_SECRET_CONFIG);
    String name = inline != null ? PSEUDONYM_SECRET_CONFIG : PSEUDONYM_SECRET_FILE_CONFIG;
    String secret;
    try {
      secret = inline != null ? inline : readSecret(values.get(PSEUDONYM_SECRET_FILE_CONFIG));
    } catch (ConfigException e) {
      return Optional.empty();
    }
    if (secret.length() < PSEUDONYM_SECRET_MIN_LENGTH) {
      return Optional.empty(); // too short: its own check says so
    }
    return SecretStrength.weakness(secret).map(weakness -> name + ": the secret " + weakness);
  }

  private static void validateSecret(String name, Object value) {
    if (value != null) {
      requireLongEnough(name, ((Password) value).value());
    }
  }

  private static void validateSecretFile(String name, Object value) {
    if (value != null) {
      requireLongEnough(name, readSecret(name, (String) value));
    }
  }

  private static void validateFingerprint(String name, Object value) {
    if (value != null && !FINGERPRINT.matcher((String) value).matches()) {
      // Hidden: what is not a fingerprint may be the old secret itself, pasted by mistake.
      throw new ConfigException(
          name, "[hidden]", "must be a secret's fingerprint: 32 lower-case hex digits");
    }
  }

  private static String readSecret(String file) {
    return readSecret(PSEUDONYM_SECRET_FILE_CONFIG, file);
  }

  private static String readSecret(String name, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(name, file, "cannot read the secret: " + e);
    }
  }

  private static void requireLongEnough(String name, String secret) {
    if (secret.length() < PSEUDONYM_SECRET_MIN_LENGTH) {
      // The value itself never reaches an error message.
      throw new ConfigException(
          name,
          "[hidden]",
          "must have at least "
              + PSEUDONYM_SECRET_MIN_LENGTH
              + " characters, has "
              + secret.length());
    }
  }
}
