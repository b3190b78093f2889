package dev.perennial.publisher.config;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.crypto.Ed25519Keys;
import dev.perennial.core.kafka.GroupIds;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the publisher service: the shared keys of {@link PerennialConfig} plus where
 * releases go, the signing key, the admin token and the release policy, with per-tenant overrides
 * {@code perennial.publisher.tenant.<tenant>.auto.promote} and {@code
 * perennial.publisher.tenant.<tenant>.retraction.policy}.
 *
 * <p>Build it with {@link #of(Map)}: every problem (including an unreadable signing key) is
 * reported at once.
 */
public final class PublisherConfig extends PerennialConfig {

  public static final String RELEASE_PATH_CONFIG = "perennial.publisher.release.path";
  public static final String RELEASE_PATH_DEFAULT = ".perennial/releases";
  private static final String RELEASE_PATH_DOC =
      "Folder of the release area: <tenant>/<adapter>/v<N>/ with the PEFT files, manifest.json"
          + " and manifest.sig, plus the public keys under keys/. Serving stacks mount it"
          + " read-only; only the publisher writes it.";

  public static final String SIGNING_KEY_CONFIG = "perennial.publisher.signing.key";
  private static final String SIGNING_KEY_DOC =
      "Ed25519 private key that signs every manifest: PEM (PKCS#8, as 'openssl genpkey -algorithm"
          + " ed25519' writes it) or base64. Set this or "
          + "perennial.publisher.signing.key.file, not both.";

  public static final String SIGNING_KEY_FILE_CONFIG = "perennial.publisher.signing.key.file";
  private static final String SIGNING_KEY_FILE_DOC =
      "File holding the Ed25519 private key (a mounted secret), in a form "
          + SIGNING_KEY_CONFIG
          + " accepts.";

  public static final String API_PORT_CONFIG = "perennial.publisher.api.port";
  public static final int API_PORT_DEFAULT = 8081;
  private static final String API_PORT_DOC =
      "Port of the read API for serving stacks (GET /v1/adapters/...), on perennial.http.host; 0"
          + " picks a free port. Read-only: alias moves and retractions (POST) are served on"
          + " perennial.http.port only, beside /metrics and /health/*.";

  public static final String ADMIN_TOKEN_CONFIG = "perennial.publisher.admin.token";
  private static final String ADMIN_TOKEN_DOC =
      "The token the admin endpoints (promote, rollback, retract) require as 'Authorization:"
          + " Bearer <token>'; a blank one is refused at start. Unset, they are refused (403) unless"
          + " perennial.publisher.admin.unauthenticated is true.";

  public static final String TRUSTED_KEYS_CONFIG = "perennial.publisher.trusted.keys";
  private static final String TRUSTED_KEYS_DOC =
      "Ed25519 public keys (base64 of the X.509 encoding: the body of a public-key PEM), comma"
          + " separated, that verify releases besides the signing key's own, e.g. those of earlier"
          + " signing keys. The publisher serves and moves aliases onto only releases whose"
          + " manifest one of these pinned keys signed; keys published in the release area are"
          + " not trusted.";

  public static final String ADMIN_UNAUTHENTICATED_CONFIG =
      "perennial.publisher.admin.unauthenticated";
  public static final boolean ADMIN_UNAUTHENTICATED_DEFAULT = false;
  private static final String ADMIN_UNAUTHENTICATED_DOC =
      "Let anyone who reaches perennial.http.port move aliases and retract releases without a"
          + " token (only where that port is otherwise protected, as in perennial local). Ignored"
          + " when perennial.publisher.admin.token is set.";

  public static final String AUTO_PROMOTE_CONFIG = "perennial.publisher.auto.promote";
  public static final boolean AUTO_PROMOTE_DEFAULT = true;
  private static final String AUTO_PROMOTE_DOC =
      "Whether a release that passed every gate becomes 'stable' at once (true) or lands on"
          + " 'canary' for an operator to promote (false). Per tenant:"
          + " perennial.publisher.tenant.<tenant>.auto.promote.";

  public static final String RETRACTION_POLICY_CONFIG = "perennial.publisher.retraction.policy";
  public static final String RETRACTION_POLICY_DEFAULT = RetractionPolicy.REPLACEMENT.value();
  private static final String RETRACTION_POLICY_DOC =
      "When releases trained on erased data are retracted: 'replacement' (when the retrained"
          + " release is published) or 'immediate' (as soon as the ERASURE training job names"
          + " them). Per tenant: perennial.publisher.tenant.<tenant>.retraction.policy.";

  public static final String RETRACTION_MAX_WAIT_MS_CONFIG =
      "perennial.publisher.retraction.replacement.max.wait.ms";
  public static final long RETRACTION_MAX_WAIT_MS_DEFAULT = Duration.ofHours(24).toMillis();
  public static final long RETRACTION_MAX_WAIT_MS_MAX = Duration.ofDays(30).toMillis();
  private static final String RETRACTION_MAX_WAIT_MS_DOC =
      "Under the 'replacement' policy, how long releases trained on erased data wait for the"
          + " ERASURE job's retrained release (or its verdict) before they are retracted and purged"
          + " without a replacement, when no worker runs (a job the worker gives up, failed on"
          + " every attempt or skipped, ends the wait at once: job-outcomes.v1). Counted from the"
          + " retraction being scheduled; the schedule is kept in the release area"
          + " (.retractions/), so it survives restarts. At most 30 days.";

  /** Per-tenant keys are {@code perennial.publisher.tenant.<tenant>.<setting>}. */
  public static final String TENANT_PREFIX = "perennial.publisher.tenant.";

  /** Per-tenant settings: the suffix after the tenant and the key it overrides. */
  public static final Map<String, String> TENANT_SETTINGS =
      Map.of("auto.promote", AUTO_PROMOTE_CONFIG, "retraction.policy", RETRACTION_POLICY_CONFIG);

  private final SigningKey signingKey;

  private PublisherConfig(ConfigDef definition, Map<String, String> values, SigningKey key) {
    super(definition, values);
    this.signingKey = key;
  }

  /**
   * Checks every value, reads the signing key and returns the configuration.
   *
   * @throws InvalidConfigurationException listing every problem, each with its key
   */
  public static PublisherConfig of(Map<String, String> values) {
    return build(values, true);
  }

  /**
   * For read-only tools ({@code perennial releases list}): every value checked except the signing
   * key, which is neither needed nor read.
   */
  public static PublisherConfig readOnly(Map<String, String> values) {
    return build(values, false);
  }

  private static PublisherConfig build(Map<String, String> values, boolean signs) {
    ConfigDef definition = definition(values);
    List<String> problems = new ArrayList<>();
    try {
      requireValid(definition, values);
    } catch (InvalidConfigurationException e) {
      problems.addAll(e.problems());
    }
    SigningKey key = signs ? readSigningKey(values, problems) : null;
    if (problems.isEmpty()) {
      Map<String, Object> parsed = definition.parse(values);
      int apiPort = (Integer) parsed.get(API_PORT_CONFIG);
      if (apiPort != 0 && apiPort == (Integer) parsed.get(HTTP_PORT_CONFIG)) {
        problems.add(
            API_PORT_CONFIG
                + ": "
                + apiPort
                + " is "
                + HTTP_PORT_CONFIG
                + " as well; the read API needs a port of its own");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return new PublisherConfig(definition, values, key);
  }

  /**
   * {@value #RELEASE_PATH_CONFIG} among {@code values} (its default when not set), checked as the
   * publisher checks it: for the commands that read the release area from a configuration file
   * without building the publisher's config ({@code perennial releases verify}, {@code reproduce}).
   *
   * @throws InvalidConfigurationException naming the key when it is blank: {@code Path.of("")}
   *     would be the current folder
   */
  public static Path releasePathOf(Map<String, String> values) {
    ConfigDef definition =
        new ConfigDef()
            .define(
                RELEASE_PATH_CONFIG,
                Type.STRING,
                RELEASE_PATH_DEFAULT,
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                RELEASE_PATH_DOC);
    Map<String, String> path = new TreeMap<>();
    if (values.containsKey(RELEASE_PATH_CONFIG)) {
      path.put(RELEASE_PATH_CONFIG, values.get(RELEASE_PATH_CONFIG));
    }
    return Path.of(
        (String) definition.parse(requireValid(definition, path)).get(RELEASE_PATH_CONFIG));
  }

  /** The shared keys and the publisher's own, without per-tenant keys (for docs and Helm). */
  public static ConfigDef configDef() {
    return PerennialConfig.configDef()
        .define(
            RELEASE_PATH_CONFIG,
            Type.STRING,
            RELEASE_PATH_DEFAULT,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            RELEASE_PATH_DOC)
        .define(
            API_PORT_CONFIG,
            Type.INT,
            API_PORT_DEFAULT,
            ConfigDef.Range.between(0, 65535),
            Importance.MEDIUM,
            API_PORT_DOC)
        .define(SIGNING_KEY_CONFIG, Type.PASSWORD, null, Importance.HIGH, SIGNING_KEY_DOC)
        .define(SIGNING_KEY_FILE_CONFIG, Type.STRING, null, Importance.HIGH, SIGNING_KEY_FILE_DOC)
        .define(
            ADMIN_TOKEN_CONFIG,
            Type.PASSWORD,
            null,
            PublisherConfig::validateAdminToken,
            Importance.MEDIUM,
            ADMIN_TOKEN_DOC)
        .define(
            TRUSTED_KEYS_CONFIG,
            Type.LIST,
            List.of(),
            PublisherConfig::validateTrustedKeys,
            Importance.MEDIUM,
            TRUSTED_KEYS_DOC)
        .define(
            ADMIN_UNAUTHENTICATED_CONFIG,
            Type.BOOLEAN,
            ADMIN_UNAUTHENTICATED_DEFAULT,
            Importance.MEDIUM,
            ADMIN_UNAUTHENTICATED_DOC)
        .define(
            AUTO_PROMOTE_CONFIG,
            Type.BOOLEAN,
            AUTO_PROMOTE_DEFAULT,
            Importance.MEDIUM,
            AUTO_PROMOTE_DOC)
        .define(
            RETRACTION_POLICY_CONFIG,
            Type.STRING,
            RETRACTION_POLICY_DEFAULT,
            retractionPolicyValidator(),
            Importance.MEDIUM,
            RETRACTION_POLICY_DOC)
        .define(
            RETRACTION_MAX_WAIT_MS_CONFIG,
            Type.LONG,
            RETRACTION_MAX_WAIT_MS_DEFAULT,
            ConfigDef.Range.between(1L, RETRACTION_MAX_WAIT_MS_MAX),
            Importance.MEDIUM,
            RETRACTION_MAX_WAIT_MS_DOC);
  }

  /**
   * {@link #configDef()} plus a definition for each per-tenant key in {@code values}, so they are
   * validated like the others; a key under {@value #TENANT_PREFIX} that names no known setting or
   * no valid tenant is defined to fail with a message that says so.
   */
  static ConfigDef definition(Map<String, String> values) {
    ConfigDef definition = configDef();
    values.keySet().stream()
        .filter(key -> key.startsWith(TENANT_PREFIX))
        .sorted()
        .forEach(key -> defineTenantKey(definition, key));
    return definition;
  }

  private static void defineTenantKey(ConfigDef definition, String key) {
    String rest = key.substring(TENANT_PREFIX.length());
    for (Map.Entry<String, String> setting : TENANT_SETTINGS.entrySet()) {
      String suffix = "." + setting.getKey();
      if (rest.endsWith(suffix)) {
        String tenant = rest.substring(0, rest.length() - suffix.length());
        if (!AdapterKey.isValidName(tenant)) {
          definition.define(
              key,
              Type.STRING,
              null,
              fail("'" + tenant + "' is not a tenant name"),
              Importance.LOW,
              "Invalid per-tenant key.");
          return;
        }
        ConfigDef.ConfigKey base = definition.configKeys().get(setting.getValue());
        definition.define(
            key,
            base.type,
            null,
            base.validator,
            Importance.LOW,
            "Overrides " + setting.getValue() + " for tenant " + tenant + ".");
        return;
      }
    }
    definition.define(
        key,
        Type.STRING,
        null,
        fail("not a per-tenant setting; known: " + String.join(", ", TENANT_SETTINGS.keySet())),
        Importance.LOW,
        "Unknown per-tenant key.");
  }

  /** Fails for any value; ConfigDef also checks the null default when the key is defined. */
  private static ConfigDef.Validator fail(String message) {
    return (name, value) -> {
      if (value != null) {
        throw new ConfigException(name, value, message);
      }
    };
  }

  private static ConfigDef.Validator retractionPolicyValidator() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value == null) {
            return;
          }
          try {
            RetractionPolicy.parse(value.toString());
          } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
          }
        },
        RetractionPolicy::accepted);
  }

  private static SigningKey readSigningKey(Map<String, String> values, List<String> problems) {
    String inline = values.get(SIGNING_KEY_CONFIG);
    String file = values.get(SIGNING_KEY_FILE_CONFIG);
    boolean hasInline = inline != null && !inline.isBlank();
    boolean hasFile = file != null && !file.isBlank();
    if (hasInline == hasFile) {
      problems.add(
          (hasInline ? SIGNING_KEY_CONFIG + " and " + SIGNING_KEY_FILE_CONFIG : SIGNING_KEY_CONFIG)
              + ": "
              + (hasInline
                  ? "both are set; set only one"
                  : "no signing key; set it or " + SIGNING_KEY_FILE_CONFIG));
      return null;
    }
    String source = hasInline ? SIGNING_KEY_CONFIG : SIGNING_KEY_FILE_CONFIG;
    try {
      String text = hasInline ? inline : Files.readString(Path.of(file), StandardCharsets.UTF_8);
      return SigningKey.fromPrivateKey(text);
    } catch (IOException e) {
      problems.add(source + ": cannot read " + Path.of(file).toAbsolutePath() + ": " + e);
    } catch (PerennialException | IllegalArgumentException e) {
      // The message never holds the key itself.
      problems.add(source + ": " + e.getMessage());
    }
    return null;
  }

  public Path releasePath() {
    return Path.of(getString(RELEASE_PATH_CONFIG));
  }

  /**
   * @throws PerennialException for a {@link #readOnly} configuration
   */
  /**
   * The keys releases are verified with: the signing key's (unless {@link #readOnly}), then the
   * trusted ones configured.
   */
  public List<PublicKey> pinnedKeys() {
    List<PublicKey> keys = new ArrayList<>();
    if (signingKey != null) {
      keys.add(signingKey.publicKey());
    }
    getList(TRUSTED_KEYS_CONFIG).forEach(key -> keys.add(Ed25519Keys.publicKey(key.strip())));
    return keys;
  }

  /** A blank token (an empty secret, say) would match no request: refused, not taken as unset. */
  private static void validateAdminToken(String name, Object value) {
    if (value instanceof Password token && token.value().isBlank()) {
      throw new ConfigException(
          name, "[hidden]", "is blank; set a token, or remove the key to refuse every move");
    }
  }

  private static void validateTrustedKeys(String name, Object value) {
    @SuppressWarnings("unchecked")
    List<String> keys = (List<String>) value;
    for (int i = 0; i < keys.size(); i++) {
      try {
        Ed25519Keys.publicKey(keys.get(i).strip());
      } catch (RuntimeException e) {
        throw new ConfigException(
            name, "key " + (i + 1), "is not an Ed25519 public key: " + e.getMessage());
      }
    }
  }

  public SigningKey signingKey() {
    if (signingKey == null) {
      throw new PerennialException("A read-only publisher configuration has no signing key");
    }
    return signingKey;
  }

  public int apiPort() {
    return getInt(API_PORT_CONFIG);
  }

  public Optional<String> adminToken() {
    return Optional.ofNullable(getPassword(ADMIN_TOKEN_CONFIG)).map(Password::value);
  }

  /** Who may move aliases: the holders of the token; without one, nobody, or anyone if opened. */
  public AdminAccess adminAccess() {
    return adminToken()
        .map(AdminAccess::withToken)
        .orElseGet(
            () ->
                getBoolean(ADMIN_UNAUTHENTICATED_CONFIG)
                    ? AdminAccess.open()
                    : AdminAccess.closed());
  }

  /** The tenant's policy: its overrides where set, the defaults elsewhere. */
  public TenantPolicy policy(String tenant) {
    Boolean autoPromote = tenantValue(tenant, "auto.promote", Boolean.class);
    String retraction = tenantValue(tenant, "retraction.policy", String.class);
    return new TenantPolicy(
        autoPromote != null ? autoPromote : getBoolean(AUTO_PROMOTE_CONFIG),
        RetractionPolicy.parse(
            retraction != null ? retraction : getString(RETRACTION_POLICY_CONFIG)));
  }

  /**
   * How long a retraction scheduled under {@code replacement} waits for the retrained release
   * ({@value #RETRACTION_MAX_WAIT_MS_CONFIG}).
   */
  public Duration retractionMaxWait() {
    return Duration.ofMillis(getLong(RETRACTION_MAX_WAIT_MS_CONFIG));
  }

  /** Consumer group and transactional id of the publisher: one per topic prefix. */
  public String instanceId() {
    return instanceId(topicPrefix());
  }

  /**
   * The publisher's consumer group and transactional id under {@code topicPrefix}: {@code <topic
   * prefix>publisher} ({@link GroupIds}).
   */
  public static String instanceId(String topicPrefix) {
    return GroupIds.defaultOf(topicPrefix, StageAcls.Stage.PUBLISHER);
  }

  private <T> T tenantValue(String tenant, String setting, Class<T> type) {
    String key = TENANT_PREFIX + tenant + "." + setting;
    return values().containsKey(key) ? type.cast(values().get(key)) : null;
  }
}
