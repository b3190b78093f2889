package dev.perennial.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentVariablesTest {

  @Test
  void aPerennialVariableSetsPerennialsOwnKey() {
    assertThat(EnvironmentVariables.toKey("PERENNIAL_TOPIC_PREFIX"))
        .isEqualTo("perennial.topic.prefix");
    assertThat(EnvironmentVariables.toKey("PERENNIAL_HTTP_PORT")).isEqualTo("perennial.http.port");
  }

  @Test
  void aClientVariableSetsAKeyThatPassesThroughToKafkaClients() {
    assertThat(EnvironmentVariables.toKey("PERENNIAL_CLIENT_BOOTSTRAP_SERVERS"))
        .isEqualTo("bootstrap.servers");
    assertThat(EnvironmentVariables.toKey("PERENNIAL_CLIENT_SASL_JAAS_CONFIG"))
        .isEqualTo("sasl.jaas.config");
    assertThat(EnvironmentVariables.toKey("PERENNIAL_CLIENT_SCHEMA_REGISTRY_URL"))
        .isEqualTo("schema.registry.url");
  }

  @Test
  void doubleAndTripleUnderscoresStandForUnderscoreAndDash() {
    assertThat(EnvironmentVariables.toKey("PERENNIAL_CLIENT_SOME__KEY___NAME_X"))
        .isEqualTo("some_key-name.x");
  }

  @Test
  void toVariableIsTheInverseOfToKeyForEveryDefinedKey() {
    for (String key : PerennialConfig.configDef().names()) {
      assertThat(EnvironmentVariables.toKey(EnvironmentVariables.toVariable(key))).isEqualTo(key);
    }
    assertThat(EnvironmentVariables.toVariable("perennial.topic.prefix"))
        .isEqualTo("PERENNIAL_TOPIC_PREFIX");
    assertThat(EnvironmentVariables.toVariable("bootstrap.servers"))
        .isEqualTo("PERENNIAL_CLIENT_BOOTSTRAP_SERVERS");
    assertThat(EnvironmentVariables.toVariable("some_key-name.x"))
        .isEqualTo("PERENNIAL_CLIENT_SOME__KEY___NAME_X");
  }

  @Test
  void variablesWithoutThePrefixAreIgnored() {
    Map<String, String> properties =
        EnvironmentVariables.toProperties(
            Map.of("PATH", "/usr/bin", "HOME", "/root", "PERENNIAL_TOPIC_PREFIX", "acme."));

    assertThat(properties).containsExactly(Map.entry("perennial.topic.prefix", "acme."));
  }

  @Test
  void everyUntranslatableVariableIsKeptAsAProblemNamingIt() {
    Map<String, String> values =
        EnvironmentVariables.toProperties(
            Map.of(
                "PERENNIAL_CLIENT_", "x",
                "PERENNIAL_TOPIC____PREFIX", "y",
                "PERENNIAL_TOPIC_PARTITIONS", "3"));

    assertThat(values).containsEntry("perennial.topic.partitions", "3");
    assertThat(EnvironmentVariables.problems(values))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("PERENNIAL_CLIENT_: "))
        .anySatisfy(p -> assertThat(p).startsWith("PERENNIAL_TOPIC____PREFIX: has a run of 4"));
  }

  @Test
  void theCommandsPublisherAddressIsNoServiceKey() {
    assertThat(
            EnvironmentVariables.toProperties(
                Map.of(
                    EnvironmentVariables.PUBLISHER_URL_VARIABLE,
                    "http://publisher:8080",
                    "PERENNIAL_PUBLISHER_ADMIN_TOKEN",
                    "secret")))
        .containsExactly(Map.entry("perennial.publisher.admin.token", "secret"));
  }
}
