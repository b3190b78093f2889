package dev.perennial.schemas.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.crypto.UndecryptableException;
import dev.perennial.schemas.SampleRecords;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ExampleCryptoTest {

  private static final MasterKeys MASTER =
      MasterKeys.parse("m1=" + Base64.getEncoder().encodeToString(new byte[32]));

  private final TrainingExample plain =
      TrainingExample.newBuilder(SampleRecords.trainingExample()).setEncrypted(null).build();
  private final SubjectKeyRecords.NewKey key =
      SubjectKeyRecords.create(MASTER, "acme", plain.getSubjectPseudonym(), Instant.EPOCH);

  @Test
  void everyContentFieldIsSealedOnItsOwnAndDecryptsBackToTheSameExample() {
    TrainingExample sealed = ExampleCrypto.encrypt(plain, key.record().getKeyId(), key.dataKey());

    assertThat(sealed.getText()).isNull();
    assertThat(sealed.getPrompt()).isNull();
    assertThat(sealed.getCompletion()).isNull();
    assertThat(sealed.getChosen()).isNull();
    assertThat(sealed.getRejected()).isNull();
    assertThat(sealed.getEncrypted().getFields())
        .containsOnlyKeys("text", "prompt", "completion", "chosen", "rejected");
    assertThat(sealed.toString()).doesNotContain("Zephyr", "seconds");
    assertThat(ExampleCrypto.contentBytes(sealed, "prompt"))
        .isEqualTo(plain.getPrompt().getBytes(StandardCharsets.UTF_8).length);
    assertThat(ExampleCrypto.hasContent(sealed, "chosen")).isTrue();
    assertThat(sealed.getExampleId()).isEqualTo(plain.getExampleId());
    assertThat(sealed.getRedactions()).isEqualTo(plain.getRedactions());
    assertThat(ExampleCrypto.decrypt(sealed, key.dataKey())).isEqualTo(plain);
    String recordKey = SubjectKeyRecords.recordKey("acme", plain.getSubjectPseudonym());
    assertThat(
            new ExampleDecryptor(
                    new SubjectKeyMap(MASTER).apply(recordKey, key.record()).apply(recordKey, null))
                .decrypt(sealed, "acme"))
        .as("erased")
        .isEmpty();
    assertThatThrownBy(
            () ->
                new ExampleDecryptor(new SubjectKeyMap(MASTER).apply("acme/x", key.record()))
                    .decrypt(sealed, "acme"))
        .as("neither held nor erased, and nothing more to come")
        .isInstanceOf(SubjectKeyAbsentException.class);
    assertThatThrownBy(
            () ->
                new ExampleDecryptor(new SubjectKeyMap(MASTER).inFlight(recordKey))
                    .decrypt(sealed, "acme"))
        .as("neither held nor erased yet, its transaction still open")
        .isInstanceOf(SubjectKeyMissingException.class);
  }

  @Test
  void aSealedFieldMovedToAnotherFieldExampleOrSubjectDoesNotOpen() {
    TrainingExample sealed = ExampleCrypto.encrypt(plain, key.record().getKeyId(), key.dataKey());
    TrainingExample swapped = TrainingExample.newBuilder(sealed).build();
    swapped
        .getEncrypted()
        .setFields(
            new java.util.HashMap<>(
                java.util.Map.of("text", sealed.getEncrypted().getFields().get("prompt"))));
    TrainingExample otherSubject =
        TrainingExample.newBuilder(sealed).setSubjectPseudonym("p-someone-else").build();

    assertThatThrownBy(() -> ExampleCrypto.decrypt(swapped, key.dataKey()))
        .isInstanceOf(UndecryptableException.class);
    assertThatThrownBy(() -> ExampleCrypto.decrypt(otherSubject, key.dataKey()))
        .isInstanceOf(UndecryptableException.class);
  }

  @Test
  void theDecryptorRefusesAnotherTenantsExampleAndHasNothingForAnErasedSubject() {
    TrainingExample sealed = ExampleCrypto.encrypt(plain, key.record().getKeyId(), key.dataKey());
    String recordKey = SubjectKeyRecords.recordKey("acme", plain.getSubjectPseudonym());
    SubjectKeyMap keys = new SubjectKeyMap(MASTER).apply(recordKey, key.record());
    ExampleDecryptor decryptor = new ExampleDecryptor(keys);

    assertThat(decryptor.decrypt(sealed, "acme")).contains(plain);
    assertThat(decryptor.decrypt(plain, "acme")).contains(plain);
    assertThatThrownBy(() -> decryptor.decrypt(sealed, "globex"))
        .isInstanceOf(IllegalArgumentException.class);
    keys.apply(recordKey, null);
    assertThat(decryptor.decrypt(sealed, "acme")).isEmpty();
  }

  @Test
  void aWrappedKeyIsBoundToItsSubjectAndSurvivesRotation() {
    MasterKeys rotated =
        MasterKeys.parse(
            "m2="
                + Base64.getEncoder()
                    .encodeToString(
                        new byte[] {
                          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                          22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                        })
                + "\nm1="
                + Base64.getEncoder().encodeToString(new byte[32]));
    SubjectKey moved = SubjectKey.newBuilder(key.record()).setSubjectPseudonym("p-other").build();

    SubjectKey rewrapped = SubjectKeyRecords.rewrap(rotated, key.record());

    assertThat(rewrapped.getMasterKeyId()).isEqualTo("m2");
    assertThat(rewrapped.getKeyId()).isEqualTo(key.record().getKeyId());
    assertThat(SubjectKeyRecords.unwrap(rotated, rewrapped).getEncoded())
        .isEqualTo(key.dataKey().getEncoded());
    assertThat(rewrapped.getWrappedKey()).isNotEqualTo(key.record().getWrappedKey());
    assertThatThrownBy(() -> SubjectKeyRecords.unwrap(MASTER, moved))
        .isInstanceOf(UndecryptableException.class);
    assertThat(key.record().getWrappedKey())
        .isNotEqualTo(ByteBuffer.wrap(key.dataKey().getEncoded()));
  }
}
