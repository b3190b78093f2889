package dev.perennial.core.crypto;

import dev.perennial.core.PerennialException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Ed25519 keys from configuration values and back. A key is accepted as PEM ({@code BEGIN PRIVATE
 * KEY} is PKCS#8 as {@code openssl genpkey -algorithm ed25519} writes it, {@code BEGIN PUBLIC KEY}
 * is X.509), as base64 of the same DER bytes, or as base64 of the raw 32-byte key (RFC 8032).
 */
public final class Ed25519Keys {

  public static final String ALGORITHM = "Ed25519";

  // DER headers that turn a raw 32-byte key into PKCS#8 and X.509 encodings (RFC 8410).
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final int RAW_KEY_LENGTH = 32;

  private Ed25519Keys() {}

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PerennialException("This JDK cannot generate " + ALGORITHM + " keys", e);
    }
  }

  public static PrivateKey privateKey(String pemOrBase64) {
    byte[] der = decode(pemOrBase64, "PRIVATE KEY", PKCS8_PREFIX);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new PerennialException("Not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  public static PublicKey publicKey(String pemOrBase64) {
    byte[] der = decode(pemOrBase64, "PUBLIC KEY", X509_PREFIX);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new PerennialException("Not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** PKCS#8 PEM, as {@code openssl} writes it. */
  public static String toPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /** X.509 PEM, as {@code openssl pkey -pubout} writes it. */
  public static String toPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  private static byte[] decode(String text, String pemLabel, byte[] rawPrefix) {
    if (text == null || text.isBlank()) {
      throw new PerennialException(
          "No Ed25519 " + pemLabel.toLowerCase(Locale.ROOT) + " given (empty value)");
    }
    String body = text.strip();
    String begin = "-----BEGIN " + pemLabel + "-----";
    String end = "-----END " + pemLabel + "-----";
    if (body.startsWith("-----BEGIN")) {
      int from = body.indexOf(begin);
      int to = body.indexOf(end);
      if (from != 0 || to < 0) {
        throw new PerennialException("Expected a PEM block '" + begin + "' ... '" + end + "'");
      }
      body = body.substring(begin.length(), to);
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new PerennialException(
          "Ed25519 " + pemLabel.toLowerCase(Locale.ROOT) + " is not base64", e);
    }
    if (bytes.length == RAW_KEY_LENGTH) {
      byte[] der = new byte[rawPrefix.length + RAW_KEY_LENGTH];
      System.arraycopy(rawPrefix, 0, der, 0, rawPrefix.length);
      System.arraycopy(bytes, 0, der, rawPrefix.length, RAW_KEY_LENGTH);
      return der;
    }
    return bytes;
  }

  private static String pem(String label, byte[] der) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
  }
}
