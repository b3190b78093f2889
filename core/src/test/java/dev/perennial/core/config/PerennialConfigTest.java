package dev.perennial.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.testing.LogCapture;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class PerennialConfigTest {

  private static Map<String, String> required() {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "broker-1:9092,broker-2:9092");
    values.put("schema.registry.url", "http://registry:8081/apis/ccompat/v7");
    return values;
  }

  @Test
  void sharedKeysTakeTheirDefaultsWhenOnlyTheRequiredOnesAreGiven() {
    PerennialConfig config = new PerennialConfig(required());

    assertThat(config.bootstrapServers()).containsExactly("broker-1:9092", "broker-2:9092");
    assertThat(config.schemaRegistryUrls()).containsExactly("http://registry:8081/apis/ccompat/v7");
    assertThat(config.topicPrefix()).isEqualTo("perennial.");
    assertThat(config.topicPartitions()).isEqualTo(6);
    assertThat(config.topicReplicationFactor()).isEqualTo((short) -1);
    assertThat(config.topicRetentionMs()).isEqualTo(7L * 24 * 60 * 60 * 1000);
    assertThat(config.topicLongRetentionMs()).isEqualTo(-1L);
    assertThat(config.artifactStorePath()).isEqualTo(Path.of(".perennial/artifacts"));
    assertThat(config.httpHost()).isEqualTo("0.0.0.0");
    assertThat(config.httpPort()).isEqualTo(8080);
  }

  @Test
  void everyProblemIsReportedAtOnceEachNamingItsKey() {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "no-port-here");
    values.put("perennial.topic.prefix", "bad prefix!");
    values.put("perennial.topic.replication.factor", "0");
    values.put("perennial.http.port", "eighty");
    values.put("perennial.topic.retention.ms", "-5");

    assertThatThrownBy(() -> new PerennialConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> {
              assertThat(e.problems()).hasSize(6);
              assertThat(e.problems())
                  .anySatisfy(p -> assertThat(p).startsWith("bootstrap.servers: "))
                  .anySatisfy(p -> assertThat(p).startsWith("schema.registry.url: "))
                  .anySatisfy(p -> assertThat(p).startsWith("perennial.topic.prefix: "))
                  .anySatisfy(p -> assertThat(p).startsWith("perennial.topic.replication.factor: "))
                  .anySatisfy(p -> assertThat(p).startsWith("perennial.http.port: "))
                  .anySatisfy(p -> assertThat(p).startsWith("perennial.topic.retention.ms: "));
              assertThat(e.getMessage()).contains("6 problems").contains("no-port-here");
            });
  }

  private static final Set<ConfigDef.Type> NUMERIC_TYPES =
      Set.of(ConfigDef.Type.SHORT, ConfigDef.Type.INT, ConfigDef.Type.LONG, ConfigDef.Type.DOUBLE);

  /**
   * A value that is no number ("7d", "three") is a problem naming its key, like any other, for
   * every numeric shared key: Kafka runs a key's validator on the null it parsed from such a value.
   */
  @Test
  void aValueThatIsNoNumberIsAProblemNamingItsKeyForEveryNumericSharedKey() {
    Map<String, String> values = required();
    List<String> numericKeys =
        PerennialConfig.configDef().configKeys().values().stream()
            .filter(key -> NUMERIC_TYPES.contains(key.type))
            .map(key -> key.name)
            .toList();
    numericKeys.forEach(key -> values.put(key, "7d"));

    assertThat(numericKeys)
        .contains(
            "perennial.topic.retention.ms",
            "perennial.topic.long.retention.ms",
            "perennial.topic.replication.factor");
    assertThatThrownBy(() -> new PerennialConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.substring(0, p.indexOf(": ")))
                    .containsExactlyInAnyOrderElementsOf(numericKeys));
  }

  /**
   * "NaN" parses as a DOUBLE and passes every {@link ConfigDef.Range} (no comparison with NaN is
   * true), yet no setting means anything by it: a gate threshold or a learning rate of NaN would
   * fail every candidate hours later instead of the service at start.
   */
  @Test
  void notANumberIsAProblemNamingItsKeyThoughItPassesTheKeysRange() {
    ConfigDef definition =
        PerennialConfig.configDef()
            .define(
                "perennial.example.fraction",
                ConfigDef.Type.DOUBLE,
                0.1,
                ConfigDef.Range.between(0.0, 1.0),
                ConfigDef.Importance.LOW,
                "A share of the examples.");
    Map<String, String> values = required();
    values.put("perennial.example.fraction", "NaN");

    assertThatThrownBy(() -> PerennialConfig.requireValid(definition, values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("perennial.example.fraction: ")
                    .contains("NaN"));
  }

  /**
   * Kafka reads a DOUBLE with Java's parser, which takes a type suffix: "7d" is 7.0 and "0.5f" is
   * 0.5, though "7d" in a settings file is almost surely a duration meant for another key.
   */
  @Test
  void aDecimalWithAJavaTypeSuffixIsAProblemNamingItsKey() {
    ConfigDef definition =
        PerennialConfig.configDef()
            .define(
                "perennial.example.weight",
                ConfigDef.Type.DOUBLE,
                1.0,
                ConfigDef.Range.atLeast(0.0),
                ConfigDef.Importance.LOW,
                "A weight.")
            .define(
                "perennial.example.fraction",
                ConfigDef.Type.DOUBLE,
                0.1,
                ConfigDef.Range.between(0.0, 1.0),
                ConfigDef.Importance.LOW,
                "A share of the examples.");
    Map<String, String> values = required();
    values.put("perennial.example.weight", "7d");
    values.put("perennial.example.fraction", " 0.5F ");

    assertThatThrownBy(() -> PerennialConfig.requireValid(definition, values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("perennial.example.weight: ").contains("7d"),
                        p ->
                            assertThat(p)
                                .startsWith("perennial.example.fraction: ")
                                .contains("0.5F")));
  }

  /**
   * "1e400" and "Infinity" parse as a DOUBLE to Infinity, which passes an open-ended range: no key
   * means anything by it (a tolerance that no loss can exceed is a large finite one), so it is
   * refused at start like NaN, naming the key and the value as given.
   */
  @Test
  void anInfiniteDecimalIsAProblemNamingItsKeyThoughItPassesTheKeysRange() {
    ConfigDef definition =
        PerennialConfig.configDef()
            .define(
                "perennial.example.weight",
                ConfigDef.Type.DOUBLE,
                1.0,
                ConfigDef.Range.atLeast(0.0),
                ConfigDef.Importance.LOW,
                "A weight.");
    for (String infinite : List.of("1e400", "Infinity", "+Infinity")) {
      Map<String, String> values = required();
      values.put("perennial.example.weight", infinite);

      assertThatThrownBy(() -> PerennialConfig.requireValid(definition, values))
          .as(infinite)
          .isInstanceOfSatisfying(
              InvalidConfigurationException.class,
              e ->
                  assertThat(e.problems())
                      .singleElement()
                      .asString()
                      .startsWith("perennial.example.weight: ")
                      .contains(infinite)
                      .contains("not finite"));
    }
  }

  @Test
  void plainDecimalsAreStillDecimals() {
    ConfigDef definition =
        PerennialConfig.configDef()
            .define(
                "perennial.example.weight",
                ConfigDef.Type.DOUBLE,
                1.0,
                ConfigDef.Range.atLeast(0.0),
                ConfigDef.Importance.LOW,
                "A weight.");
    for (String decimal : List.of("7", "0.5", ".5", "5.", "+2.5", "1e-3", "2.5E+3", "1e300")) {
      Map<String, String> values = required();
      values.put("perennial.example.weight", decimal);

      assertThat(PerennialConfig.requireValid(definition, values)).isSameAs(values);
    }
  }

  @Test
  void aSchemaRegistryUrlMustBeAnHttpUrl() {
    Map<String, String> values = required();
    values.put("schema.registry.url", "registry:8081");

    assertThatThrownBy(() -> new PerennialConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("schema.registry.url: ")
        .hasMessageContaining("http");
  }

  @Test
  void clientPropertiesPassEveryNonPerennialKeyThroughUntouched() {
    Map<String, String> values = required();
    values.put("security.protocol", "SASL_SSL");
    values.put("sasl.mechanism", "SCRAM-SHA-512");
    values.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
    values.put("ssl.truststore.location", "/etc/kafka/truststore.jks");
    values.put("basic.auth.credentials.source", "USER_INFO");
    values.put("basic.auth.user.info", "user:secret");
    values.put("perennial.topic.prefix", "acme.");

    Map<String, Object> client = new PerennialConfig(values).clientProperties();

    Map<String, String> expected = new HashMap<>(values);
    expected.remove("perennial.topic.prefix");
    assertThat(client).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void anUnknownPerennialKeyIsNotAnError() {
    Map<String, String> values = required();
    values.put("perennial.trainer.batch.size", "8");

    assertThat(new PerennialConfig(values).topicPrefix()).isEqualTo("perennial.");
  }

  /** A guard: the warning is what shows a mistyped key, since it is not an error. */
  @Test
  void anUnknownPerennialKeyIsLoggedAsAWarningNamingItAndNotAKafkaKey() {
    Map<String, String> values = required();
    values.put("perennial.topic.retention.msec", "1000");
    values.put("security.protocol", "SASL_SSL");

    try (LogCapture logs = LogCapture.ofThisThread()) {
      new PerennialConfig(values);

      assertThat(logs.warnings())
          .singleElement()
          .asString()
          .contains("perennial.topic.retention.msec")
          .contains("PerennialConfig");
    }
  }

  /** How a deployable's config class builds on the shared one. */
  static final class ExampleStageConfig extends PerennialConfig {
    static final String BATCH_SIZE_CONFIG = "perennial.example.batch.size";
    static final String NAME_CONFIG = "perennial.example.name";
    private static final ConfigDef CONFIG =
        configDef()
            .define(
                BATCH_SIZE_CONFIG,
                ConfigDef.Type.INT,
                32,
                ConfigDef.Range.atLeast(1),
                ConfigDef.Importance.MEDIUM,
                "Examples per training batch.")
            .define(
                NAME_CONFIG,
                ConfigDef.Type.STRING,
                "",
                ConfigDef.Importance.LOW,
                "Instance name; empty: the host name.");

    ExampleStageConfig(Map<String, String> values) {
      super(CONFIG, values);
    }
  }

  @Test
  void aBlankNameIsNoNameAndTheInstanceIsThenNamedAfterItsHost() throws Exception {
    Map<String, String> values = required();
    values.put(ExampleStageConfig.NAME_CONFIG, "  ");
    ExampleStageConfig unnamed = new ExampleStageConfig(values);
    values.put(ExampleStageConfig.NAME_CONFIG, "worker-0");
    ExampleStageConfig named = new ExampleStageConfig(values);

    assertThat(unnamed.optionalString(ExampleStageConfig.NAME_CONFIG)).isEmpty();
    assertThat(unnamed.nameOrHostName(ExampleStageConfig.NAME_CONFIG))
        .isEqualTo(java.net.InetAddress.getLocalHost().getHostName());
    assertThat(named.optionalString(ExampleStageConfig.NAME_CONFIG)).hasValue("worker-0");
    assertThat(named.nameOrHostName(ExampleStageConfig.NAME_CONFIG)).isEqualTo("worker-0");
  }

  @Test
  void aDeployablesConfigValidatesItsOwnKeysTogetherWithTheSharedOnes() {
    Map<String, String> values = required();
    values.put(ExampleStageConfig.BATCH_SIZE_CONFIG, "0");
    values.put("perennial.http.port", "70000");

    assertThatThrownBy(() -> new ExampleStageConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.substring(0, p.indexOf(':')))
                    .containsExactlyInAnyOrder(
                        ExampleStageConfig.BATCH_SIZE_CONFIG, "perennial.http.port"));

    values.put(ExampleStageConfig.BATCH_SIZE_CONFIG, "16");
    values.put("perennial.http.port", "9090");
    ExampleStageConfig config = new ExampleStageConfig(values);
    assertThat(config.getInt(ExampleStageConfig.BATCH_SIZE_CONFIG)).isEqualTo(16);
    assertThat(config.httpPort()).isEqualTo(9090);
  }

  @Test
  void everySharedKeyIsPerennialsOwnOrAPassThroughClientKey() {
    List<String> passThrough = List.of("bootstrap.servers", "schema.registry.url");

    assertThat(PerennialConfig.configDef().names())
        .allSatisfy(
            key ->
                assertThat(key.startsWith(PerennialConfig.PREFIX) || passThrough.contains(key))
                    .isTrue());
  }
}
