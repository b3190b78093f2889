package dev.perennial.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.privacy.PseudonymSecretChangedException;
import dev.perennial.ingest.privacy.PseudonymSecretGuard;
import dev.perennial.ingest.redact.Pseudonymizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest on the real broker and registry refuses to start with a pseudonym secret other than the
 * one it recorded (erasures would no longer find the data written before), starts with the same
 * one, starts with another one when the change is declared, and does not refuse instances that
 * start together with one secret. Each test has its own application id, so its own record.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PseudonymSecretGuardIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SECRET = "guard-test-secret-one-0123456789abcdefghij";
  private static final String OTHER_SECRET = "guard-test-secret-two-9876543210zyxwvutsrq";

  private static TopicCatalog catalog;

  @TempDir Path stateDir;

  @BeforeAll
  static void provision() {
    catalog = KAFKA.provisionCatalog();
  }

  @Test
  void aRestartWithAnotherSecretIsRefusedAndOneWithTheSameSecretStarts() throws Exception {
    String applicationId = KAFKA.uniqueName("guard-restart");
    runOnce(config(applicationId, SECRET, null));

    PseudonymSecretChangedException refused =
        catchThrowableOfType(
            PseudonymSecretChangedException.class,
            () -> runOnce(config(applicationId, OTHER_SECRET, null)));

    assertThat(refused)
        .as("ingest started with another secret")
        .isNotNull()
        .hasMessageStartingWith(IngestConfig.PSEUDONYM_SECRET_CONFIG + ": ")
        .hasMessageContaining("fingerprint " + fingerprint(SECRET))
        .hasMessageContaining("fingerprint " + fingerprint(OTHER_SECRET))
        .hasMessageContaining(
            IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG + "=" + fingerprint(SECRET))
        .hasMessageNotContaining(SECRET)
        .hasMessageNotContaining(OTHER_SECRET);
    assertThat(recorded(applicationId)).containsExactly(fingerprint(SECRET));

    runOnce(config(applicationId, SECRET, null));
  }

  @Test
  void aDeclaredChangeStartsAndFromThenOnTheOldSecretIsRefused() throws Exception {
    String applicationId = KAFKA.uniqueName("guard-change");
    runOnce(config(applicationId, SECRET, null));

    runOnce(config(applicationId, OTHER_SECRET, fingerprint(SECRET)));
    runOnce(config(applicationId, OTHER_SECRET, null));

    PseudonymSecretChangedException refused =
        catchThrowableOfType(
            PseudonymSecretChangedException.class,
            () -> runOnce(config(applicationId, SECRET, null)));
    assertThat(refused)
        .as("ingest started with the replaced secret")
        .isNotNull()
        .hasMessageContaining(
            IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG + "=" + fingerprint(OTHER_SECRET));
    assertThat(recorded(applicationId))
        .containsExactly(fingerprint(SECRET), fingerprint(OTHER_SECRET));
  }

  @Test
  void instancesStartingTogetherWithTheSameSecretAllStart() throws Exception {
    String applicationId = KAFKA.uniqueName("guard-together");
    List<Throwable> failures = checkTogether(applicationId, SECRET, SECRET, SECRET, SECRET);

    assertThat(failures).containsOnlyNulls();
    assertThat(recorded(applicationId)).isNotEmpty().containsOnly(fingerprint(SECRET));
  }

  @Test
  void ofInstancesStartingTogetherWithTwoSecretsNotBothStart() throws Exception {
    String applicationId = KAFKA.uniqueName("guard-two");
    List<Throwable> failures = checkTogether(applicationId, SECRET, OTHER_SECRET);

    assertThat(failures)
        .as("at least one instance refused")
        .anySatisfy(
            failure -> assertThat(failure).isInstanceOf(PseudonymSecretChangedException.class));
  }

  /**
   * Starts ingest, waits until Streams runs and stops it as its command does; the stopped instance
   * has left its consumer group, so the next start of the application id does not wait in its first
   * rebalance for the departed member's session to time out.
   */
  private static void runOnce(IngestConfig config) throws Exception {
    try (ServiceProcess<IngestService> ingest =
        ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics))) {
      assertThat(ingest.service().awaitRunning(TIMEOUT)).as("ingest reached RUNNING").isTrue();
    }
    try (Admin admin = KAFKA.createAdmin()) {
      assertThat(members(admin, config.applicationId()))
          .as("members of %s after the stop", config.applicationId())
          .isZero();
    }
  }

  private static int members(Admin admin, String groupId) throws Exception {
    return admin
        .describeConsumerGroups(List.of(groupId))
        .describedGroups()
        .get(groupId)
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .members()
        .size();
  }

  /** Runs the guard of each secret at once; what each threw, or null. */
  private List<Throwable> checkTogether(String applicationId, String... secrets) throws Exception {
    CyclicBarrier start = new CyclicBarrier(secrets.length);
    ExecutorService threads = Executors.newFixedThreadPool(secrets.length);
    try {
      List<CompletableFuture<Throwable>> checks = new ArrayList<>();
      for (String secret : secrets) {
        IngestConfig config = config(applicationId, secret, null);
        checks.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await(30, TimeUnit.SECONDS);
                    PseudonymSecretGuard.check(config);
                    return null;
                  } catch (Exception e) {
                    return e;
                  }
                },
                threads));
      }
      List<Throwable> failures = new ArrayList<>();
      for (CompletableFuture<Throwable> check : checks) {
        failures.add(check.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      return failures;
    } finally {
      threads.shutdownNow();
    }
  }

  private IngestConfig config(String applicationId, String secret, String replaces) {
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        PerennialConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.SUBJECT_KEYS).partitions()));
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, secret);
    if (replaces != null) {
      values.put(IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG, replaces);
    }
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(IngestConfig.INPUT_PURGE_INTERVAL_MS_CONFIG, "0");
    values.put(IngestConfig.APPLICATION_ID_CONFIG, applicationId);
    values.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new IngestConfig(values);
  }

  private static String fingerprint(String secret) {
    return new Pseudonymizer(secret).fingerprint();
  }

  /** Every value in the application's fingerprint topic, in order. */
  private static List<String> recorded(String applicationId) {
    return TopicReader.readAll(
        KAFKA.clientProperties(),
        PseudonymSecretGuard.topicName(applicationId),
        new StringDeserializer(),
        new StringDeserializer(),
        TIMEOUT);
  }
}
