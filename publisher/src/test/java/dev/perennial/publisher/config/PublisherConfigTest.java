package dev.perennial.publisher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.publisher.sign.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherConfigTest {

  @TempDir Path folder;

  private final SigningKey key = SigningKey.generate();

  private Map<String, String> values() {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "localhost:9092");
    values.put("schema.registry.url", "http://localhost:8081");
    values.put(PublisherConfig.SIGNING_KEY_CONFIG, key.privateKeyPem());
    return values;
  }

  @Test
  void defaultsPromoteAutomaticallyAndRetractOnReplacement() {
    PublisherConfig config = PublisherConfig.of(values());

    assertThat(config.policy("acme"))
        .isEqualTo(new TenantPolicy(true, RetractionPolicy.REPLACEMENT));
    assertThat(config.releasePath()).isEqualTo(Path.of(".perennial/releases"));
    assertThat(config.signingKey().keyId()).isEqualTo(key.keyId());
    assertThat(config.adminToken()).isEmpty();
    assertThat(config.apiPort()).isEqualTo(8081);
    assertThat(config.instanceId()).isEqualTo("perennial.publisher");
  }

  @Test
  void aRetractionWaitsForItsReplacementADayAtMostAndNeverMoreThanThirtyDays() {
    assertThat(PublisherConfig.of(values()).retractionMaxWait()).isEqualTo(Duration.ofHours(24));
    Map<String, String> hour = values();
    hour.put(PublisherConfig.RETRACTION_MAX_WAIT_MS_CONFIG, "3600000");
    assertThat(PublisherConfig.of(hour).retractionMaxWait()).isEqualTo(Duration.ofHours(1));

    for (String refused : new String[] {"0", "-1", Long.toString(Duration.ofDays(31).toMillis())}) {
      Map<String, String> values = values();
      values.put(PublisherConfig.RETRACTION_MAX_WAIT_MS_CONFIG, refused);
      assertThatThrownBy(() -> PublisherConfig.of(values))
          .as(refused)
          .hasMessageContaining(PublisherConfig.RETRACTION_MAX_WAIT_MS_CONFIG);
    }
  }

  @Test
  void aTenantOverridesThePolicyForItselfOnly() {
    Map<String, String> values = values();
    values.put("perennial.publisher.tenant.globex.auto.promote", "false");
    values.put("perennial.publisher.tenant.globex.retraction.policy", "IMMEDIATE");
    values.put("perennial.publisher.tenant.my-co.auto.promote", "false");

    PublisherConfig config = PublisherConfig.of(values);

    assertThat(config.policy("globex"))
        .isEqualTo(new TenantPolicy(false, RetractionPolicy.IMMEDIATE));
    assertThat(config.policy("my-co").autoPromote()).isFalse();
    assertThat(config.policy("acme"))
        .isEqualTo(new TenantPolicy(true, RetractionPolicy.REPLACEMENT));
  }

  @Test
  void theSigningKeyComesFromAMountedFileToo() throws Exception {
    Map<String, String> values = values();
    values.remove(PublisherConfig.SIGNING_KEY_CONFIG);
    Path secret = Files.writeString(folder.resolve("signing.pem"), key.privateKeyPem());
    values.put(PublisherConfig.SIGNING_KEY_FILE_CONFIG, secret.toString());

    assertThat(PublisherConfig.of(values).signingKey().keyId()).isEqualTo(key.keyId());
  }

  @Test
  void everyProblemIsReportedAtOnceEachWithItsKey() {
    Map<String, String> values = values();
    values.remove(PublisherConfig.SIGNING_KEY_CONFIG);
    values.put(PublisherConfig.SIGNING_KEY_FILE_CONFIG, folder.resolve("missing.pem").toString());
    values.put("perennial.publisher.retraction.policy", "whenever");
    values.put("perennial.publisher.tenant.acme.auto.promot", "true");
    values.put("perennial.publisher.tenant.acme.auto.promote", "maybe");
    values.put("perennial.topic.partitions", "0");

    assertThatThrownBy(() -> PublisherConfig.of(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(5)
                    .anyMatch(
                        p -> p.startsWith("perennial.publisher.signing.key.file: cannot read"))
                    .anyMatch(
                        p ->
                            p.startsWith("perennial.publisher.retraction.policy:")
                                && p.contains("replacement, immediate"))
                    .anyMatch(
                        p ->
                            p.startsWith("perennial.publisher.tenant.acme.auto.promot:")
                                && p.contains("not a per-tenant setting"))
                    .anyMatch(p -> p.startsWith("perennial.publisher.tenant.acme.auto.promote:"))
                    .anyMatch(p -> p.startsWith("perennial.topic.partitions:")));
  }

  @Test
  void aMissingOrDoubleSigningKeyIsNamed() {
    Map<String, String> none = values();
    none.remove(PublisherConfig.SIGNING_KEY_CONFIG);
    Map<String, String> both = values();
    both.put(PublisherConfig.SIGNING_KEY_FILE_CONFIG, "/run/secrets/key");

    assertThatThrownBy(() -> PublisherConfig.of(none))
        .hasMessageContaining("perennial.publisher.signing.key: no signing key");
    assertThatThrownBy(() -> PublisherConfig.of(both))
        .hasMessageContaining("both are set; set only one");
  }

  @Test
  void aBlankAdminTokenIsRefusedAtStartRatherThanLockingEveryoneOut() {
    Map<String, String> values = values();
    values.put(PublisherConfig.ADMIN_TOKEN_CONFIG, "  ");

    assertThatThrownBy(() -> PublisherConfig.of(values))
        .hasMessageContaining("perennial.publisher.admin.token")
        .hasMessageContaining("blank");
  }

  @Test
  void theReadApiNeedsAPortOfItsOwn() {
    Map<String, String> values = values();
    values.put(PublisherConfig.API_PORT_CONFIG, "8080");

    assertThatThrownBy(() -> PublisherConfig.of(values))
        .hasMessageContaining(
            "perennial.publisher.api.port: 8080 is perennial.http.port as well; the read API needs a"
                + " port of its own");
  }

  @Test
  void aReadOnlyConfigurationNeedsNoSigningKey() {
    Map<String, String> values = values();
    values.remove(PublisherConfig.SIGNING_KEY_CONFIG);

    PublisherConfig config = PublisherConfig.readOnly(values);

    assertThat(config.releasePath()).isEqualTo(Path.of(".perennial/releases"));
    assertThatThrownBy(config::signingKey).hasMessageContaining("read-only");
  }
}
