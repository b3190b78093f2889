package dev.perennial.schemas.privacy;

import dev.perennial.core.crypto.AesGcm;
import dev.perennial.core.crypto.UndecryptableException;
import dev.perennial.schemas.v1.EncryptedContent;
import dev.perennial.schemas.v1.TrainingExample;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * The encrypted form of a {@link TrainingExample} (the one contract of it: {@code examples.v1}'s
 * {@code encrypted} field): each content field that is set (text, prompt, completion, chosen,
 * rejected) sealed on its own with AES-256-GCM under the subject's data key and a fresh nonce, the
 * plaintext field set to null. The authenticated data of a field names tenant, subject pseudonym,
 * key id, example id and field, so a sealed field opens only in the example it was made for.
 * Everything else of the example (ids, kind, routing, redaction counts) stays in the clear.
 */
public final class ExampleCrypto {

  /** The content fields, in the order they are sealed. */
  public static final List<String> CONTENT_FIELDS =
      List.of("text", "prompt", "completion", "chosen", "rejected");

  private static final byte[] FORMAT =
      "perennial.example-field.v1".getBytes(StandardCharsets.UTF_8);

  private ExampleCrypto() {}

  public static boolean isEncrypted(TrainingExample example) {
    return example.getEncrypted() != null;
  }

  /**
   * {@code example} (in the clear) with its content sealed under {@code dataKey}.
   *
   * @throws IllegalArgumentException when the example is already encrypted
   */
  public static TrainingExample encrypt(TrainingExample example, String keyId, SecretKey dataKey) {
    if (isEncrypted(example)) {
      throw new IllegalArgumentException("Example " + example.getExampleId() + " is encrypted");
    }
    Map<String, ByteBuffer> sealed = new LinkedHashMap<>();
    TrainingExample encrypted = TrainingExample.newBuilder(example).build();
    for (String field : CONTENT_FIELDS) {
      String text = (String) example.get(field);
      if (text != null) {
        byte[] plaintext = text.getBytes(StandardCharsets.UTF_8);
        sealed.put(
            field,
            ByteBuffer.wrap(
                AesGcm.seal(dataKey, plaintext, associatedData(example, keyId, field))));
        encrypted.put(field, null);
      }
    }
    encrypted.setEncrypted(EncryptedContent.newBuilder().setKeyId(keyId).setFields(sealed).build());
    return encrypted;
  }

  /**
   * {@code example} with its content in the clear again (an example in the clear comes back as it
   * is).
   *
   * @throws UndecryptableException when {@code dataKey} is not the key the example names, or a
   *     field was moved or changed
   */
  public static TrainingExample decrypt(TrainingExample example, SecretKey dataKey) {
    EncryptedContent content = example.getEncrypted();
    if (content == null) {
      return example;
    }
    TrainingExample plain = TrainingExample.newBuilder(example).setEncrypted(null).build();
    for (Map.Entry<String, ByteBuffer> entry : content.getFields().entrySet()) {
      String field = entry.getKey();
      if (!CONTENT_FIELDS.contains(field)) {
        throw new UndecryptableException(
            "Example " + example.getExampleId() + " has an encrypted field " + field + " it lacks");
      }
      byte[] opened =
          AesGcm.open(
              dataKey, bytes(entry.getValue()), associatedData(example, content.getKeyId(), field));
      plain.put(field, new String(opened, StandardCharsets.UTF_8));
    }
    return plain;
  }

  /**
   * Bytes of UTF-8 a content field holds, read from its sealed length when encrypted; 0 if null.
   */
  public static int contentBytes(TrainingExample example, String field) {
    EncryptedContent content = example.getEncrypted();
    if (content == null) {
      String text = (String) example.get(field);
      return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
    ByteBuffer sealed = content.getFields().get(field);
    return sealed == null ? 0 : AesGcm.plaintextLength(sealed.remaining());
  }

  /** Whether a content field is set (in the clear or sealed). */
  public static boolean hasContent(TrainingExample example, String field) {
    EncryptedContent content = example.getEncrypted();
    return content == null ? example.get(field) != null : content.getFields().containsKey(field);
  }

  private static byte[] associatedData(TrainingExample example, String keyId, String field) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(FORMAT);
    for (String part :
        List.of(
            example.getTenant(),
            example.getSubjectPseudonym(),
            keyId,
            example.getExampleId(),
            field)) {
      out.write(0);
      out.writeBytes(part.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
