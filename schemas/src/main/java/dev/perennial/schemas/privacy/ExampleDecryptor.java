package dev.perennial.schemas.privacy;

import dev.perennial.schemas.v1.EncryptedContent;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Decrypts examples for a stage that needs their content, for one tenant at a time: an example of
 * another tenant is refused before any key is looked up, and a sealed field opens only in the
 * example (tenant, subject, example id, field) it was sealed for. An example whose subject's key is
 * gone (erased) has no content any more.
 */
public final class ExampleDecryptor {

  private final SubjectKeys keys;

  public ExampleDecryptor(SubjectKeys keys) {
    this.keys = keys;
  }

  /**
   * {@code example} in the clear: as it is when it was written in the clear, decrypted when it was
   * encrypted, empty when its subject's key was erased.
   *
   * @throws IllegalArgumentException when the example is not {@code tenant}'s
   * @throws dev.perennial.core.crypto.UndecryptableException when its content does not open with
   *     its subject's key (changed or moved bytes)
   */
  public Optional<TrainingExample> decrypt(TrainingExample example, String tenant) {
    if (!example.getTenant().equals(tenant)) {
      throw new IllegalArgumentException(
          "Example " + example.getExampleId() + " belongs to another tenant than " + tenant);
    }
    EncryptedContent content = example.getEncrypted();
    if (content == null) {
      return Optional.of(example);
    }
    Optional<SecretKey> key =
        keys.dataKey(example.getTenant(), example.getSubjectPseudonym(), content.getKeyId());
    return key.map(dataKey -> ExampleCrypto.decrypt(example, dataKey));
  }

  /** Applies every key change made so far, so no erased key is used. */
  public void refresh() {
    keys.refresh();
  }

  /** Drops what is held of the subject's keys (an erasure). */
  public void forget(String tenant, String subjectPseudonym) {
    keys.forget(tenant, subjectPseudonym);
  }
}
