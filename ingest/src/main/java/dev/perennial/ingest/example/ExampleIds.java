package dev.perennial.ingest.example;

import dev.perennial.core.PerennialException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Example ids: HMAC-SHA-256 of the example's kind and texts (each length-prefixed, so no two
 * different examples hash the same bytes) under a key derived from ingest's pseudonym secret, and
 * split keys ({@link #splitKey}, what the trainer's held-out split goes by) the same of the prompt
 * alone. Equal content gets an equal id whoever sent it, but unlike a plain hash neither can
 * confirm a guess of an erased subject's content without the secret. Not thread-safe (a {@link Mac}
 * is not): each stream task makes its own.
 */
public final class ExampleIds {

  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] PURPOSE = "perennial.example-id.v1".getBytes(StandardCharsets.UTF_8);

  /** Not a kind's name, so no split key is an example id. */
  private static final String SPLIT = "held-out-split";

  private final Mac mac;

  public ExampleIds(String secret) {
    try {
      Mac derive = Mac.getInstance(ALGORITHM);
      derive.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(derive.doFinal(PURPOSE), ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new PerennialException("This JDK cannot compute " + ALGORITHM, e);
    }
  }

  /** The id of an example of {@code kind} with these texts (nulls included, in field order). */
  public String id(String kind, String... texts) {
    update(kind);
    for (String text : texts) {
      update(text);
    }
    return HexFormat.of().formatHex(mac.doFinal());
  }

  /**
   * The key of the trainer's held-out split of an example about {@code subject}: its prompt, or the
   * text of a TEXT. It leaves out the kind and the answers, so a preference, a correction and the
   * ratings of one prompt are held out together and none is scored against a twin trained on.
   */
  public String splitKey(String subject) {
    return id(SPLIT, subject);
  }

  private void update(String text) {
    if (text == null) {
      mac.update(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    mac.update(bytes);
  }
}
