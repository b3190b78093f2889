package dev.perennial.schemas.privacy;

import dev.perennial.schemas.v1.EncryptedContent;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Decrypts examples for a stage that needs their content, for one tenant at a time: an example of
 * another tenant is refused before any key is looked up, and a sealed field opens only in the
 * example (tenant, subject, example id, field) it was sealed for. An example whose subject's key is
 * gone (erased) has no content any more; one whose key is {@link SubjectKeys.Absent absent} (never
 * will be in the key log) is refused as a bad record; one whose key is {@link SubjectKeys.Missing
 * missing} (may still come) is refused loudly, and the keys still missing are remembered (for
 * readiness) until a lookup finds them, their erasure or their absence. Messages name the example
 * and key ids only when they look like ids (the record is not trusted). Thread-safe when its keys
 * are.
 */
public final class ExampleDecryptor {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final SubjectKeys keys;
  private final Set<String> missing = ConcurrentHashMap.newKeySet();

  public ExampleDecryptor(SubjectKeys keys) {
    this.keys = keys;
  }

  /**
   * {@code example} in the clear: as it is when it was written in the clear, decrypted when it was
   * encrypted; empty when its subject's key was erased, or, for an example written in the clear,
   * when its subject was erased at all.
   *
   * @throws IllegalArgumentException when the example is not {@code tenant}'s
   * @throws dev.perennial.core.crypto.UndecryptableException when its content does not open with
   *     its subject's key (changed or moved bytes)
   * @throws SubjectKeyAbsentException when its subject's key is neither found nor erased, and never
   *     will be
   * @throws SubjectKeyMissingException when its subject's key is neither found nor erased yet
   * @throws dev.perennial.core.crypto.MasterKeyMissingException when the key is wrapped by a master
   *     key this process lacks
   */
  public Optional<TrainingExample> decrypt(TrainingExample example, String tenant) {
    if (!example.getTenant().equals(tenant)) {
      throw new IllegalArgumentException(
          "Example " + shown(example.getExampleId()) + " belongs to another tenant than " + tenant);
    }
    EncryptedContent content = example.getEncrypted();
    if (content == null) {
      // Only an ingest before encryption wrote examples in the clear, so before any erasure the
      // key log records: one read after its subject's erasure (a lagging task) is erased content.
      return keys.wasErased(example.getTenant(), example.getSubjectPseudonym())
          ? Optional.empty()
          : Optional.of(example);
    }
    SubjectKeys.Lookup lookup =
        keys.lookup(example.getTenant(), example.getSubjectPseudonym(), content.getKeyId());
    String keyId = content.getKeyId();
    String subject = SubjectKeyRecords.recordKey(tenant, example.getSubjectPseudonym());
    if (lookup instanceof SubjectKeys.Missing) {
      missing.add(subject);
      throw new SubjectKeyMissingException(
          "Example "
              + shown(example.getExampleId())
              + " of tenant "
              + tenant
              + " names data key "
              + shown(keyId)
              + ", which the subjects' key log neither holds nor erased yet (a transaction on it"
              + " is still open, or it holds no record at all: is it the log ingest writes?); the"
              + " example waits for it");
    }
    missing.remove(subject);
    if (lookup instanceof SubjectKeys.Absent) {
      throw new SubjectKeyAbsentException(
          "Example "
              + shown(example.getExampleId())
              + " of tenant "
              + tenant
              + " names data key "
              + shown(keyId)
              + ", which the subjects' key log, read to its end, neither holds nor erased: ingest"
              + " writes a key with the first example under it, so this example is not ingest's"
              + " (forged), or its subject's erasure has left the log");
    }
    return lookup instanceof SubjectKeys.Found found
        ? Optional.of(ExampleCrypto.decrypt(example, found.dataKey()))
        : Optional.empty();
  }

  /**
   * {@code id} as a message may show it: an id of up to 100 letters, digits, dots, colons, dashes
   * and underscores (what ingest makes), else only its length: a forged record must not write log
   * lines or unbounded strings.
   */
  static String shown(String id) {
    return id != null && ID.matcher(id).matches()
        ? id
        : "(not an id: " + (id == null ? "none" : id.length() + " characters") + ")";
  }

  /** How many subjects' examples wait for a data key that is still neither found nor erased. */
  public int missingKeys() {
    return missing.size();
  }

  /** Applies every key change made so far, so no erased key is used. */
  public void refresh() {
    keys.refresh();
  }

  /** Drops what is held of the subject's keys (an erasure). */
  public void forget(String tenant, String subjectPseudonym) {
    keys.forget(tenant, subjectPseudonym);
    missing.remove(SubjectKeyRecords.recordKey(tenant, subjectPseudonym));
  }
}
