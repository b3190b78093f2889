package dev.perennial.schemas.serde;

import dev.perennial.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the Avro serdes. The keys are Confluent's, so existing client configurations
 * carry over; keys the serdes do not know (a producer's own settings) are ignored.
 */
public final class AvroSerdeConfig extends AbstractConfig {

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URL of a schema registry speaking the Confluent REST API, e.g. http://registry:8081 or"
          + " Apicurio's http://registry:8080/apis/ccompat/v7. One URL. Not needed when the serde is"
          + " given a registry client.";

  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
  private static final String AUTO_REGISTER_SCHEMAS_DOC =
      "Whether the serializer registers the record's schema under the subject when it is not yet"
          + " there. If false, the schema must have been registered beforehand.";

  public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
  private static final String USE_LATEST_VERSION_DOC =
      "Whether the serializer writes with the subject's latest registered schema instead of the"
          + " record's own (records are converted to it by Avro's schema resolution). The latest"
          + " version is fetched again after latest.cache.ttl.sec. Use with"
          + " auto.register.schemas=false.";

  public static final String LATEST_CACHE_TTL_SEC_CONFIG = "latest.cache.ttl.sec";
  public static final long DEFAULT_LATEST_CACHE_TTL_SEC = 300;
  private static final String LATEST_CACHE_TTL_SEC_DOC =
      "With use.latest.version, how many seconds the serializer writes with a fetched latest"
          + " version before it asks the registry again, so a version registered while producers"
          + " run is used by all of them within this time (a rolling schema upgrade). If the"
          + " registry is unavailable then, the version held is kept until the next try. 0: ask"
          + " for every record; -1: never ask again (Confluent's default, which keeps a producer on"
          + " the version it started with until it restarts). Confluent's key.";

  public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
  public static final String CREDENTIALS_FROM_URL = "URL";
  public static final String CREDENTIALS_FROM_USER_INFO = "USER_INFO";
  private static final String BASIC_AUTH_CREDENTIALS_SOURCE_DOC =
      "Where HTTP basic authentication credentials come from: URL (the user info of"
          + " schema.registry.url, if any) or USER_INFO (basic.auth.user.info).";

  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
  private static final String BASIC_AUTH_USER_INFO_DOC =
      "user:password for HTTP basic authentication when basic.auth.credentials.source=USER_INFO.";

  public static final String SSL_TRUSTSTORE_LOCATION_CONFIG =
      "schema.registry.ssl.truststore.location";
  private static final String SSL_TRUSTSTORE_LOCATION_DOC =
      "A file with the CA certificates an https registry's certificate is checked against (a"
          + " registry signed by an in-house CA); they replace the JVM's default CAs for the"
          + " registry. Empty: the JVM's default CAs. Confluent's key.";

  public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
  public static final String TRUSTSTORE_PEM = "PEM";
  private static final String SSL_TRUSTSTORE_TYPE_DOC =
      "Format of schema.registry.ssl.truststore.location: PEM (one or more X.509 certificates,"
          + " a CA bundle), PKCS12 or JKS (a keystore of trusted certificates, opened with"
          + " schema.registry.ssl.truststore.password). Confluent's key and default.";

  public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG =
      "schema.registry.ssl.truststore.password";
  private static final String SSL_TRUSTSTORE_PASSWORD_DOC =
      "Password of a PKCS12 or JKS schema.registry.ssl.truststore.location; unused for PEM.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              Type.STRING,
              null,
              AvroSerdeConfig::validateUrl,
              Importance.HIGH,
              SCHEMA_REGISTRY_URL_DOC)
          .define(
              AUTO_REGISTER_SCHEMAS_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              AUTO_REGISTER_SCHEMAS_DOC)
          .define(
              USE_LATEST_VERSION_CONFIG,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              USE_LATEST_VERSION_DOC)
          .define(
              LATEST_CACHE_TTL_SEC_CONFIG,
              Type.LONG,
              DEFAULT_LATEST_CACHE_TTL_SEC,
              ConfigDef.Range.atLeast(-1),
              Importance.LOW,
              LATEST_CACHE_TTL_SEC_DOC)
          .define(
              BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
              Type.STRING,
              CREDENTIALS_FROM_URL,
              ConfigDef.ValidString.in(CREDENTIALS_FROM_URL, CREDENTIALS_FROM_USER_INFO),
              Importance.MEDIUM,
              BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
          .define(
              BASIC_AUTH_USER_INFO_CONFIG,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              BASIC_AUTH_USER_INFO_DOC)
          .define(
              SSL_TRUSTSTORE_LOCATION_CONFIG,
              Type.STRING,
              null,
              Importance.MEDIUM,
              SSL_TRUSTSTORE_LOCATION_DOC)
          .define(
              SSL_TRUSTSTORE_TYPE_CONFIG,
              Type.STRING,
              "JKS",
              ConfigDef.ValidString.in("JKS", "PKCS12", TRUSTSTORE_PEM),
              Importance.LOW,
              SSL_TRUSTSTORE_TYPE_DOC)
          .define(
              SSL_TRUSTSTORE_PASSWORD_CONFIG,
              Type.PASSWORD,
              null,
              Importance.LOW,
              SSL_TRUSTSTORE_PASSWORD_DOC);

  public AvroSerdeConfig(Map<String, ?> configs) {
    super(CONFIG, configs, false);
    Password userInfo = getPassword(BASIC_AUTH_USER_INFO_CONFIG);
    if (CREDENTIALS_FROM_USER_INFO.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG))
        && (userInfo == null || !userInfo.value().contains(":"))) {
      throw new ConfigException(
          BASIC_AUTH_USER_INFO_CONFIG,
          userInfo == null ? null : "[hidden]",
          "must be user:password when "
              + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG
              + "="
              + CREDENTIALS_FROM_USER_INFO);
    }
  }

  /** Every key with its type, default and documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
  }

  public boolean useLatestVersion() {
    return getBoolean(USE_LATEST_VERSION_CONFIG);
  }

  /** How long a fetched latest version is used; empty: for ever ({@code -1}). */
  public Optional<Duration> latestCacheTtl() {
    long seconds = getLong(LATEST_CACHE_TTL_SEC_CONFIG);
    return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
  }

  /**
   * A registry client for {@code schema.registry.url} with the configured credentials and, for an
   * https registry, the configured truststore.
   *
   * @throws ConfigException if {@code schema.registry.url} is not set, or the truststore cannot be
   *     read
   */
  public SchemaRegistryClient newRegistryClient() {
    String url = getString(SCHEMA_REGISTRY_URL_CONFIG);
    if (url == null) {
      throw new ConfigException(
          SCHEMA_REGISTRY_URL_CONFIG, null, "is required: the URL of the schema registry");
    }
    URI uri = URI.create(url);
    Optional<String> userInfo =
        CREDENTIALS_FROM_USER_INFO.equals(getString(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG))
            ? Optional.of(getPassword(BASIC_AUTH_USER_INFO_CONFIG).value())
            : Optional.ofNullable(uri.getUserInfo());
    return new SchemaRegistryClient(withoutUserInfo(uri), userInfo, trustedCas());
  }

  /**
   * TLS that trusts the CAs of {@code schema.registry.ssl.truststore.location}, or empty (the JVM's
   * default CAs) when it is not set.
   */
  private Optional<SSLContext> trustedCas() {
    String location = getString(SSL_TRUSTSTORE_LOCATION_CONFIG);
    if (location == null || location.isBlank()) {
      return Optional.empty();
    }
    String type = getString(SSL_TRUSTSTORE_TYPE_CONFIG);
    try {
      KeyStore trusted;
      if (TRUSTSTORE_PEM.equals(type)) {
        trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(Path.of(location))) {
          certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
          throw new ConfigException(
              SSL_TRUSTSTORE_LOCATION_CONFIG, location, "holds no PEM certificate");
        }
        int index = 0;
        for (Certificate certificate : certificates) {
          trusted.setCertificateEntry("ca-" + index++, certificate);
        }
      } else {
        trusted = KeyStore.getInstance(type);
        Password password = getPassword(SSL_TRUSTSTORE_PASSWORD_CONFIG);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
          trusted.load(in, password == null ? null : password.value().toCharArray());
        }
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return Optional.of(tls);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          SSL_TRUSTSTORE_LOCATION_CONFIG,
          location,
          "cannot be read as a " + type + " truststore: " + e);
    }
  }

  private static URI withoutUserInfo(URI uri) {
    try {
      return new URI(
          uri.getScheme(),
          null,
          uri.getHost(),
          uri.getPort(),
          uri.getPath(),
          uri.getQuery(),
          uri.getFragment());
    } catch (URISyntaxException e) {
      throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, uri.getHost(), e.getMessage());
    }
  }

  private static void validateUrl(String name, Object value) {
    if (value == null) {
      return;
    }
    // Credentials in the URL's user info never reach an error message.
    String url = value.toString();
    String shown = url.replaceAll("//[^/@]*@", "//[hidden]@");
    if (url.contains(",")) {
      throw new ConfigException(
          name, shown, "must be one URL; several registry URLs are not supported");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(name, shown, "is not a URL: " + e.getReason());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new ConfigException(name, shown, "must be an http:// or https:// URL with a host");
    }
  }
}
