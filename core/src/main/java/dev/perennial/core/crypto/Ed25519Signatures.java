package dev.perennial.core.crypto;

import dev.perennial.core.PerennialException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Ed25519 signatures (RFC 8032) with the JDK's provider: what release manifests are signed with.
 */
public final class Ed25519Signatures {

  private Ed25519Signatures() {}

  /** The 64-byte signature of {@code message}. */
  public static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature signature = Signature.getInstance(Ed25519Keys.ALGORITHM);
      signature.initSign(key);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new PerennialException(
          "Cannot sign with " + key.getAlgorithm() + " key: " + e.getMessage(), e);
    }
  }

  /** Whether {@code signature} is the key owner's signature of exactly {@code message}. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(Ed25519Keys.ALGORITHM);
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false; // malformed signature bytes: not a valid signature
    } catch (GeneralSecurityException e) {
      throw new PerennialException(
          "Cannot verify with " + key.getAlgorithm() + " key: " + e.getMessage(), e);
    }
  }
}
