package dev.perennial.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.redact.CustomPatterns;
import dev.perennial.ingest.validate.RatingThresholds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestConfigTest {

  private static Map<String, String> valid() {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "localhost:9092");
    values.put("schema.registry.url", "http://localhost:8081");
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, "a-secret-of-at-least-thirty-two-chars!");
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    return values;
  }

  @Test
  void twoInstallsUnderTwoTopicPrefixesKeepingTheDefaultIdGetApplicationIdsOfTheirOwn() {
    // the application id names ingest's group, internal topics and transactional ids
    Map<String, String> prod = valid();
    prod.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "prod.");
    Map<String, String> staging = valid();
    staging.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "staging.");

    assertThat(new IngestConfig(prod).applicationId()).isEqualTo("prod.ingest");
    assertThat(new IngestConfig(staging).applicationId()).isEqualTo("staging.ingest");
  }

  @Test
  void underTheDefaultTopicPrefixTheApplicationIdIsThatOfEarlierReleases() {
    // an upgrade must find its group's offsets, its state stores and its pseudonym secret topic
    Map<String, String> values = valid();
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "perennial.");

    assertThat(new IngestConfig(values).applicationId()).isEqualTo("perennial-ingest");
    assertThat(new IngestConfig(valid()).applicationId()).isEqualTo("perennial-ingest");
  }

  @Test
  void anApplicationIdSetStaysAsSetUnderAnyTopicPrefix() {
    Map<String, String> values = valid();
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "prod.");
    values.put(IngestConfig.APPLICATION_ID_CONFIG, "perennial-ingest");

    assertThat(new IngestConfig(values).applicationId()).isEqualTo("perennial-ingest");
  }

  @Test
  void defaultsApplyWhenOnlyTheRequiredKeysAreSet() {
    IngestConfig config = new IngestConfig(valid());

    assertThat(config.applicationId()).isEqualTo("perennial-ingest");
    assertThat(config.trainingPurpose()).isEqualTo("adapter-training");
    assertThat(config.maxTextBytes()).isEqualTo(65536);
    assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.dedupWindow()).isEqualTo(Duration.ofHours(24));
    assertThat(config.ratingThresholds()).isEqualTo(new RatingThresholds(4, 2));
    assertThat(config.rejectedKeepBytes()).isFalse();
  }

  @Test
  void theNegativeRatingThresholdMustLieBelowThePositiveOne() {
    Map<String, String> values = valid();
    values.put(IngestConfig.POSITIVE_RATING_MIN_CONFIG, "3");
    values.put(IngestConfig.NEGATIVE_RATING_MAX_CONFIG, "3");

    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(values));

    assertThat(error.problems())
        .containsExactly(
            IngestConfig.NEGATIVE_RATING_MAX_CONFIG
                + ": 3 must be below "
                + IngestConfig.POSITIVE_RATING_MIN_CONFIG
                + " (3)");
  }

  @Test
  void theSecretIsRequiredAndNeverShownInErrors() {
    Map<String, String> values = valid();
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, "short-but-secret");
    values.put(IngestConfig.MAX_TEXT_BYTES_CONFIG, "0");
    values.put(IngestConfig.POSITIVE_RATING_MIN_CONFIG, "6");

    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(values));

    assertThat(error.problems())
        .hasSize(3)
        .anySatisfy(
            problem ->
                assertThat(problem)
                    .startsWith(IngestConfig.PSEUDONYM_SECRET_CONFIG)
                    .contains("at least 32 characters, has 16"))
        .anySatisfy(problem -> assertThat(problem).startsWith(IngestConfig.MAX_TEXT_BYTES_CONFIG))
        .anySatisfy(
            problem -> assertThat(problem).startsWith(IngestConfig.POSITIVE_RATING_MIN_CONFIG));
    assertThat(error.getMessage()).doesNotContain("short-but-secret");
  }

  @Test
  void aWeakSecretOrTheLocalRunsPublishedOneIsRefusedOutsideALocalRun(@TempDir Path dir)
      throws Exception {
    Map<String, String> weak = valid();
    weak.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, "a".repeat(32));
    Map<String, String> local = valid();
    local.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, IngestConfig.LOCAL_PSEUDONYM_SECRET);
    Path file = dir.resolve("key");
    Files.writeString(file, "passwordpasswordpasswordpassword\n");
    Map<String, String> weakFile = valid();
    weakFile.remove(IngestConfig.PSEUDONYM_SECRET_CONFIG);
    weakFile.put(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG, file.toString());

    assertThat(
            catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(weak))
                .problems())
        .containsExactly(
            IngestConfig.PSEUDONYM_SECRET_CONFIG
                + ": the secret has too little entropy (about 0 bits estimated from its"
                + " characters, at least 96 needed); generate one, e.g. openssl rand -base64 48");
    assertThat(
            catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(local))
                .problems())
        .containsExactly(
            IngestConfig.PSEUDONYM_SECRET_CONFIG
                + ": the secret is the local run's published secret (perennial local only);"
                + " generate one, e.g. openssl rand -base64 48");
    InvalidConfigurationException fromFile =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(weakFile));
    assertThat(fromFile.problems())
        .singleElement()
        .satisfies(
            problem ->
                assertThat(problem)
                    .startsWith(
                        IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG
                            + ": the secret has too little entropy"));
    assertThat(fromFile.getMessage()).doesNotContain("password");
    assertThat(IngestConfig.forLocalRun(local).pseudonymSecret().value())
        .isEqualTo(IngestConfig.LOCAL_PSEUDONYM_SECRET);
    assertThat(IngestConfig.forLocalRun(weak).pseudonymSecret().value()).isEqualTo("a".repeat(32));
  }

  @Test
  void aMissingSecretIsNamed() {
    Map<String, String> values = valid();
    values.remove(IngestConfig.PSEUDONYM_SECRET_CONFIG);

    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(values));

    assertThat(error.problems())
        .containsExactly(
            IngestConfig.PSEUDONYM_SECRET_CONFIG
                + ": set exactly one of it and perennial.ingest.pseudonym.secret.file (neither is"
                + " set)");
  }

  @Test
  void theSecretCanBeReadFromAFileSuchAsAMountedKubernetesSecret(@TempDir Path folder)
      throws Exception {
    Path file =
        Files.writeString(folder.resolve("key"), "a-mounted-secret-of-thirty-two-chars!!\n");
    Map<String, String> values = valid();
    values.remove(IngestConfig.PSEUDONYM_SECRET_CONFIG);
    values.put(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG, file.toString());

    IngestConfig config = new IngestConfig(values);

    assertThat(config.pseudonymSecret().value())
        .isEqualTo("a-mounted-secret-of-thirty-two-chars!!");
    assertThat(config.pseudonymSecretKey()).isEqualTo(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG);
  }

  @Test
  void aDeclaredSecretChangeNamesTheReplacedSecretByItsFingerprintOnly() {
    Map<String, String> values = valid();
    assertThat(new IngestConfig(values).pseudonymSecretReplaces()).isEmpty();
    assertThat(new IngestConfig(values).pseudonymSecretKey())
        .isEqualTo(IngestConfig.PSEUDONYM_SECRET_CONFIG);

    values.put(IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG, "0123456789abcdef0123456789abcdef");
    assertThat(new IngestConfig(values).pseudonymSecretReplaces())
        .contains("0123456789abcdef0123456789abcdef");

    // the old secret itself, by mistake: refused, and not repeated in the error
    values.put(
        IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG, "an-old-secret-of-thirty-two-chars!!");
    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(values));
    assertThat(error.problems())
        .singleElement()
        .satisfies(
            problem ->
                assertThat(problem)
                    .startsWith(IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG)
                    .contains("32 lower-case hex digits")
                    .doesNotContain("an-old-secret"));
  }

  @Test
  void aMissingSecretFileAndASecondSecretAreReportedTogether(@TempDir Path folder) {
    Map<String, String> values = valid();
    values.put(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG, folder.resolve("absent").toString());

    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(values));

    assertThat(error.problems())
        .hasSize(2)
        .anySatisfy(
            problem ->
                assertThat(problem)
                    .startsWith(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG)
                    .contains("cannot read the secret"))
        .anySatisfy(problem -> assertThat(problem).contains("(both are set)"));
  }

  @Test
  void theSecretIsHiddenWhenTheConfigIsPrinted() {
    IngestConfig config = new IngestConfig(valid());

    assertThat(config.pseudonymSecret().toString()).isEqualTo("[hidden]");
  }

  @Test
  void aTextLimitWhoseExamplesTheProducerCouldNotWriteIsRefusedAtStart() {
    Map<String, String> values = valid();
    values.put(IngestConfig.MAX_TEXT_BYTES_CONFIG, "400000");

    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(values));

    assertThat(error.problems())
        .singleElement()
        .asString()
        .startsWith(IngestConfig.MAX_TEXT_BYTES_CONFIG)
        .contains("1216384 bytes, more than the producer's max.request.size of 1048576");
  }

  @Test
  void aLargerProducerRequestSizeAllowsLargerTexts() {
    Map<String, String> values = valid();
    values.put(IngestConfig.MAX_TEXT_BYTES_CONFIG, "400000");
    values.put("producer.max.request.size", "2000000");

    assertThat(new IngestConfig(values).maxTextBytes()).isEqualTo(400000);
  }

  @Test
  void aProducerRequestSizeThatIsNoNumberIsAProblemNamingItsKey() {
    // The text limit is checked against it; Kafka would refuse it only once Streams is built.
    Map<String, String> values = valid();
    values.put("producer.max.request.size", "2MiB");

    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(values));

    assertThat(error).isNotNull();
    assertThat(error.problems())
        .singleElement()
        .asString()
        .startsWith("producer.max.request.size: ")
        .contains("2MiB");
  }

  @Test
  void masterKeysAreRequiredAndTheirProblemsNeverShowTheKeys() {
    Map<String, String> missing = valid();
    missing.remove(MasterKeySettings.MASTER_KEYS_CONFIG);
    Map<String, String> broken = valid();
    broken.put(MasterKeySettings.MASTER_KEYS_CONFIG, "m1=c2hvcnQ=");

    assertThatThrownBy(() -> new IngestConfig(missing))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(MasterKeySettings.MASTER_KEYS_CONFIG + ": set it or");
    assertThatThrownBy(() -> new IngestConfig(broken))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("master key m1 has 5 bytes; it needs 32")
        .hasMessageNotContaining("c2hvcnQ=");
    assertThat(new IngestConfig(valid()).masterKeys().currentId()).isEqualTo("test-1");
  }

  @Test
  void tenantsOwnPiiPatternsAreReadAndCheckedAndTopicsDefaultToShared() {
    Map<String, String> values = valid();
    values.put("perennial.ingest.tenant.acme.pii.patterns", "CUSTOMER_NUMBER=ACME-[0-9]{6}");
    Map<String, String> broken = valid();
    broken.put("perennial.ingest.tenant.acme.pii.patterns", "CUSTOMER_NUMBER=ACME-[0-9");
    broken.put("perennial.ingest.tenant.acme.pii.pattern", "X=1");

    IngestConfig config = new IngestConfig(values);

    assertThat(config.customPiiPatterns()).containsOnlyKeys("acme");
    assertThat(config.customPiiPatterns().get("acme").kinds())
        .extracting(CustomPatterns.Kind::name)
        .containsExactly("CUSTOMER_NUMBER");
    assertThat(config.inputTopics()).isEqualTo(IngestConfig.InputTopics.SHARED);
    assertThat(config.inputPurgeInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> new IngestConfig(broken))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("perennial.ingest.tenant.acme.pii.patterns")
        .hasMessageContaining("is not a regex")
        .hasMessageContaining("perennial.ingest.tenant.acme.pii.pattern: not a per-tenant setting");
  }

  @Test
  void aPiiPatternOverrideForWhatIsNotATenantNameIsRefusedAtStartAsTheOtherStagesRefuseIt() {
    // Events carry lower-case tenant names (AdapterKey's rule), so "Acme"'s patterns would never
    // redact anything: the trainer, evaluator and publisher refuse such a per-tenant key at start.
    Map<String, String> values = valid();
    values.put("perennial.ingest.tenant.Acme.pii.patterns", "CUSTOMER_NUMBER=ACME-[0-9]{6}");

    assertThatThrownBy(() -> new IngestConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("perennial.ingest.tenant.Acme.pii.patterns")
        .hasMessageContaining("is not a tenant name");
  }

  @Test
  void theDefinitionHoldsTheSharedKeysAndIngestsOwn() {
    assertThat(IngestConfig.configDef().names())
        .contains("bootstrap.servers", "perennial.topic.prefix")
        .contains(
            IngestConfig.PSEUDONYM_SECRET_CONFIG,
            IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG,
            IngestConfig.DEDUP_WINDOW_MS_CONFIG);
  }

  @Test
  void aFailedStreamsClientIsGivenFiveSecondsToCloseUnlessConfiguredAndNeverANegativeTime() {
    assertThat(StreamsSettings.failedCloseTimeout(new IngestConfig(valid())))
        .isEqualTo(Duration.ofSeconds(5));
    Map<String, String> brief = valid();
    brief.put("perennial.streams.failed.close.timeout.ms", "200");
    assertThat(StreamsSettings.failedCloseTimeout(new IngestConfig(brief)))
        .isEqualTo(Duration.ofMillis(200));
    Map<String, String> negative = valid();
    negative.put("perennial.streams.failed.close.timeout.ms", "-1");

    InvalidConfigurationException error =
        catchThrowableOfType(InvalidConfigurationException.class, () -> new IngestConfig(negative));

    assertThat(error).isNotNull();
    assertThat(error.problems())
        .singleElement()
        .asString()
        .startsWith("perennial.streams.failed.close.timeout.ms: ");
  }
}
