package dev.perennial.schemas.privacy;

import dev.perennial.core.crypto.AesGcm;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.schemas.v1.SubjectKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.SecretKey;

/**
 * The records of {@code subject-keys.v1} ({@link SubjectKey}, keyed {@code tenant/pseudonym}):
 * making a subject's data key, wrapping it under the current master key (bound to tenant, pseudonym
 * and key id), unwrapping and re-wrapping it.
 */
public final class SubjectKeyRecords {

  /** A new data key and its record. */
  public record NewKey(SubjectKey record, SecretKey dataKey) {}

  private static final byte[] FORMAT = "perennial.subject-key.v1".getBytes(StandardCharsets.UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();

  private SubjectKeyRecords() {}

  /** The key of a subject's record: {@code tenant/pseudonym}. */
  public static String recordKey(String tenant, String subjectPseudonym) {
    return tenant + "/" + subjectPseudonym;
  }

  /** A fresh random data key for the subject, wrapped by the current master key. */
  public static NewKey create(
      MasterKeys masterKeys, String tenant, String subjectPseudonym, Instant createdAt) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    String keyId = "dk-" + HexFormat.of().formatHex(id);
    SecretKey dataKey = AesGcm.newKey();
    MasterKeys.Wrapped wrapped =
        masterKeys.wrap(dataKey, associatedData(tenant, subjectPseudonym, keyId));
    SubjectKey record =
        SubjectKey.newBuilder()
            .setTenant(tenant)
            .setSubjectPseudonym(subjectPseudonym)
            .setKeyId(keyId)
            .setMasterKeyId(wrapped.masterKeyId())
            .setWrappedKey(ByteBuffer.wrap(wrapped.wrappedKey()))
            .setCreatedAt(createdAt)
            .build();
    return new NewKey(record, dataKey);
  }

  /**
   * The data key of {@code record}.
   *
   * @throws dev.perennial.core.crypto.UndecryptableException when its master key is not configured
   *     or the record was changed
   */
  public static SecretKey unwrap(MasterKeys masterKeys, SubjectKey record) {
    ByteBuffer buffer = record.getWrappedKey().duplicate();
    byte[] wrapped = new byte[buffer.remaining()];
    buffer.get(wrapped);
    return masterKeys.unwrap(
        new MasterKeys.Wrapped(record.getMasterKeyId(), wrapped),
        associatedData(record.getTenant(), record.getSubjectPseudonym(), record.getKeyId()));
  }

  /** The same data key, wrapped by the current master key (rotation). */
  public static SubjectKey rewrap(MasterKeys masterKeys, SubjectKey record) {
    SecretKey dataKey = unwrap(masterKeys, record);
    MasterKeys.Wrapped wrapped =
        masterKeys.wrap(
            dataKey,
            associatedData(record.getTenant(), record.getSubjectPseudonym(), record.getKeyId()));
    return SubjectKey.newBuilder(record)
        .setMasterKeyId(wrapped.masterKeyId())
        .setWrappedKey(ByteBuffer.wrap(wrapped.wrappedKey()))
        .build();
  }

  private static byte[] associatedData(String tenant, String subjectPseudonym, String keyId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.writeBytes(FORMAT);
    for (String part : new String[] {tenant, subjectPseudonym, keyId}) {
      out.write(0);
      out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
