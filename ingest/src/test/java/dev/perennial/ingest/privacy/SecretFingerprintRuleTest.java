package dev.perennial.ingest.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.ingest.config.IngestConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretFingerprintRuleTest {

  private static final String OLD = "0123456789abcdef0123456789abcdef";
  private static final String NEW = "fedcba9876543210fedcba9876543210";
  private static final String OTHER = "00000000000000000000000000000000";

  private final SecretFingerprintRule rule =
      new SecretFingerprintRule(
          IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG, "ingest-pseudonym-secret");

  @Test
  void theFirstStartRecordsTheSecretsFingerprint() {
    assertThat(rule.decide(Optional.empty(), NEW, Optional.empty()))
        .isEqualTo(new SecretFingerprintRule.RecordFingerprint(NEW, Optional.empty()));
  }

  @Test
  void theRecordedSecretStartsWhateverReplacesSays() {
    assertThat(rule.decide(Optional.of(NEW), NEW, Optional.empty()))
        .isEqualTo(new SecretFingerprintRule.Start());
    // left over from the change that recorded NEW: it approves nothing, and stops nothing
    assertThat(rule.decide(Optional.of(NEW), NEW, Optional.of(OLD)))
        .isEqualTo(new SecretFingerprintRule.Start());
  }

  @Test
  void anotherSecretIsRefusedNamingItsKeyBothFingerprintsAndTheDeclarationToSet() {
    SecretFingerprintRule.Decision decision = rule.decide(Optional.of(OLD), NEW, Optional.empty());

    assertThat(decision).isInstanceOf(SecretFingerprintRule.Refuse.class);
    assertThat(((SecretFingerprintRule.Refuse) decision).reason())
        .startsWith(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG + ": ")
        .contains("fingerprint " + NEW, "fingerprint " + OLD, "ingest-pseudonym-secret")
        .contains("configure the previous one again")
        .contains(IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG + "=" + OLD)
        .contains("Changing the pseudonym secret");
  }

  @Test
  void aDeclaredChangeOfTheRecordedSecretRecordsTheNewOne() {
    assertThat(rule.decide(Optional.of(OLD), NEW, Optional.of(OLD)))
        .isEqualTo(new SecretFingerprintRule.RecordFingerprint(NEW, Optional.of(OLD)));
  }

  @Test
  void aDeclarationNamingAnotherThanTheRecordedSecretIsRefused() {
    // a second, unintended change after a declared one: the stale declaration approves nothing
    SecretFingerprintRule.Decision decision =
        rule.decide(Optional.of(NEW), OTHER, Optional.of(OLD));

    assertThat(decision).isInstanceOf(SecretFingerprintRule.Refuse.class);
    assertThat(((SecretFingerprintRule.Refuse) decision).reason())
        .startsWith(IngestConfig.PSEUDONYM_SECRET_REPLACES_CONFIG + ": ")
        .contains("Set it to " + NEW);
  }

  @Test
  void instancesRecordingTheSameSecretTogetherAllStart() {
    assertThat(rule.race(List.of(NEW, NEW, NEW), NEW)).isEmpty();
  }

  @Test
  void anInstanceSeeingAnotherSecretRecordedSinceItReadRefuses() {
    assertThat(rule.race(List.of(OTHER, NEW), NEW))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG + ": ")
                    .contains(OTHER, "same secret"));
    assertThat(rule.race(List.of(NEW, OTHER), NEW)).isPresent();
  }
}
