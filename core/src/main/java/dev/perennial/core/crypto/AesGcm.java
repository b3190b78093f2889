package dev.perennial.core.crypto;

import dev.perennial.core.PerennialException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM from the JDK, as Perennial seals content and wraps keys: a fresh random 12-byte nonce
 * per message, stored in front of the ciphertext and its 16-byte tag ({@code nonce || ciphertext ||
 * tag}), and authenticated data that binds a message to where it belongs (tenant, subject, field),
 * so a sealed value moved anywhere else fails to open. Thread-safe (one {@link Cipher} per thread).
 */
public final class AesGcm {

  public static final String ALGORITHM = "AES";
  public static final int KEY_BYTES = 32;
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;

  /** What sealing adds to a message: nonce and tag. */
  public static final int OVERHEAD = NONCE_BYTES + TAG_BYTES;

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<Cipher> CIPHERS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance(TRANSFORMATION);
            } catch (GeneralSecurityException e) {
              throw new PerennialException("This JDK cannot do " + TRANSFORMATION, e);
            }
          });

  private AesGcm() {}

  /** A new random 256-bit key. */
  public static SecretKey newKey() {
    try {
      KeyGenerator generator = KeyGenerator.getInstance(ALGORITHM);
      generator.init(KEY_BYTES * 8, RANDOM);
      return generator.generateKey();
    } catch (GeneralSecurityException e) {
      throw new PerennialException("This JDK cannot make AES keys", e);
    }
  }

  /** The key made of these 32 bytes. */
  public static SecretKey key(byte[] bytes) {
    if (bytes.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "An AES-256 key has " + KEY_BYTES + " bytes, got " + bytes.length);
    }
    return new SecretKeySpec(bytes, ALGORITHM);
  }

  /** {@code plaintext} sealed under {@code key}: nonce, ciphertext and tag. */
  public static byte[] seal(SecretKey key, byte[] plaintext, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    Cipher cipher = CIPHERS.get();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(associatedData);
      ByteBuffer sealed = ByteBuffer.allocate(NONCE_BYTES + cipher.getOutputSize(plaintext.length));
      sealed.put(nonce);
      cipher.doFinal(ByteBuffer.wrap(plaintext), sealed);
      return sealed.array();
    } catch (GeneralSecurityException e) {
      throw new PerennialException("Cannot seal with " + TRANSFORMATION, e);
    }
  }

  /**
   * The plaintext of {@code sealed}.
   *
   * @throws UndecryptableException when the key or the associated data are not those it was sealed
   *     with, or the bytes were changed
   */
  public static byte[] open(SecretKey key, byte[] sealed, byte[] associatedData) {
    if (sealed.length < OVERHEAD) {
      throw new UndecryptableException(
          "A sealed value has at least " + OVERHEAD + " bytes, got " + sealed.length);
    }
    Cipher cipher = CIPHERS.get();
    try {
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new UndecryptableException(
          "The sealed value does not open with this key for this place (wrong key, moved or"
              + " changed)");
    } catch (GeneralSecurityException e) {
      throw new PerennialException("Cannot open with " + TRANSFORMATION, e);
    }
  }

  /** How long the plaintext of a sealed value of {@code sealedLength} bytes is. */
  public static int plaintextLength(int sealedLength) {
    return Math.max(0, sealedLength - OVERHEAD);
  }
}
