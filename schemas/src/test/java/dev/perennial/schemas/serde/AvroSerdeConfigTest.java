package dev.perennial.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

  @Test
  void defaultsFollowConfluent() {
    AvroSerdeConfig config =
        new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://r:8081"));

    assertThat(config.autoRegisterSchemas()).isTrue();
    assertThat(config.useLatestVersion()).isFalse();
  }

  @Test
  void theLatestVersionIsFetchedAgainAfterFiveMinutesUnlessTheTtlIsMinusOne() {
    assertThat(new AvroSerdeConfig(Map.of()).latestCacheTtl()).contains(Duration.ofMinutes(5));
    assertThat(
            new AvroSerdeConfig(Map.of(AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG, "-1"))
                .latestCacheTtl())
        .isEmpty();
    assertThat(
            new AvroSerdeConfig(Map.of(AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG, "0"))
                .latestCacheTtl())
        .contains(Duration.ZERO);
    assertThatThrownBy(
            () -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG, "-2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AvroSerdeConfig.LATEST_CACHE_TTL_SEC_CONFIG);
  }

  @Test
  void unknownKeysOfTheSurroundingClientConfigAreIgnored() {
    AvroSerdeConfig config =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                "http://r:8081",
                "bootstrap.servers",
                "broker:9092",
                "security.protocol",
                "SASL_SSL"));

    assertThat(config.newRegistryClient().baseUrl()).isEqualTo("http://r:8081");
  }

  @Test
  void aRegistryClientNeedsTheUrl() {
    AvroSerdeConfig config = new AvroSerdeConfig(Map.of());

    assertThatThrownBy(config::newRegistryClient)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url");
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedByName() {
    assertThatThrownBy(
            () ->
                new AvroSerdeConfig(
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "registry:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url")
        .hasMessageContaining("http:// or https://");
  }

  @Test
  void severalUrlsAreRefusedRatherThanSilentlyCutToOne() {
    assertThatThrownBy(
            () ->
                new AvroSerdeConfig(
                    Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://a:8081,http://b:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("one URL");
  }

  @Test
  void credentialsInARefusedUrlNeverReachTheMessage() {
    assertThatThrownBy(
            () ->
                new AvroSerdeConfig(
                    Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "ftp://alice:s3cret@r:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void userInfoCredentialsMustBeUserColonPassword() {
    assertThatThrownBy(
            () ->
                new AvroSerdeConfig(
                    Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://r:8081",
                        AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "USER_INFO",
                        AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, "alice")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("basic.auth.user.info")
        .hasMessageNotContaining("alice");
  }

  @Test
  void anUnsupportedCredentialsSourceIsRefusedByName() {
    assertThatThrownBy(
            () ->
                new AvroSerdeConfig(
                    Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://r:8081",
                        AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "SASL_INHERIT")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("basic.auth.credentials.source");
  }
}
