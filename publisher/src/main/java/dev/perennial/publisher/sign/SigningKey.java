package dev.perennial.publisher.sign;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.Ed25519Keys;
import dev.perennial.core.crypto.Ed25519Signatures;
import dev.perennial.publisher.PublisherException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;

/**
 * The publisher's Ed25519 key pair and its id: the SHA-256 of the public key's X.509 encoding,
 * which every manifest names so that a verifier knows which published key to check it with.
 */
public record SigningKey(PrivateKey privateKey, PublicKey publicKey) {

  public SigningKey {
    byte[] probe = "perennial signing key check".getBytes(StandardCharsets.US_ASCII);
    if (!Ed25519Signatures.verify(publicKey, probe, Ed25519Signatures.sign(privateKey, probe))) {
      throw new PublisherException("The public key does not belong to the private signing key");
    }
  }

  /**
   * The key pair of a private key given as PEM (PKCS#8, as {@code openssl genpkey -algorithm
   * ed25519} writes it) or base64 ({@link Ed25519Keys}); the public key is derived from it.
   */
  public static SigningKey fromPrivateKey(String pemOrBase64) {
    PrivateKey privateKey = Ed25519Keys.privateKey(pemOrBase64);
    if (!(privateKey instanceof EdECPrivateKey edPrivate) || edPrivate.getBytes().isEmpty()) {
      throw new PublisherException("Not an Ed25519 private key with its key bytes");
    }
    return new SigningKey(privateKey, derivePublicKey(edPrivate.getBytes().get()));
  }

  public static SigningKey generate() {
    KeyPair pair = Ed25519Keys.generate();
    return new SigningKey(pair.getPrivate(), pair.getPublic());
  }

  /** {@code sha256:<hex>} of the public key's X.509 encoding. */
  public String keyId() {
    return keyIdOf(publicKey);
  }

  public static String keyIdOf(PublicKey key) {
    return Digest.of(key.getEncoded()).toString();
  }

  public byte[] sign(byte[] message) {
    return Ed25519Signatures.sign(privateKey, message);
  }

  public String publicKeyPem() {
    return Ed25519Keys.toPem(publicKey);
  }

  public String privateKeyPem() {
    return Ed25519Keys.toPem(privateKey);
  }

  @Override
  public String toString() {
    return "SigningKey[" + keyId() + "]";
  }

  /**
   * The JDK derives an Ed25519 public key only while generating a pair, from 32 random bytes that
   * are the private key (RFC 8032): feeding it the private key as its randomness derives the pair.
   */
  private static PublicKey derivePublicKey(byte[] privateKeyBytes) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(Ed25519Keys.ALGORITHM);
      generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(privateKeyBytes));
      return generator.generateKeyPair().getPublic();
    } catch (GeneralSecurityException e) {
      throw new PublisherException("Cannot derive the Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** Randomness that is exactly the given bytes. */
  private static final class FixedBytes extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedBytes(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] target) {
      if (target.length != bytes.length) {
        throw new IllegalStateException(
            "Expected a request for " + bytes.length + " bytes, got " + target.length);
      }
      System.arraycopy(bytes, 0, target, 0, bytes.length);
    }
  }
}
