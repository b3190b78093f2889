package dev.perennial.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.PerennialException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Ed25519Test {

  // RFC 8032, section 7.1, TEST 2 (one-byte message 0x72)
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SECRET =
      HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  private static final byte[] PUBLIC =
      HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  private static final byte[] MESSAGE = HEX.parseHex("72");
  private static final byte[] SIGNATURE =
      HEX.parseHex(
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
              + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

  // The same key pair as `openssl pkey` (and `openssl pkey -pubout`) writes it.
  private static final String OPENSSL_PRIVATE_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7
      -----END PRIVATE KEY-----
      """;
  private static final String OPENSSL_PUBLIC_PEM =
      """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=
      -----END PUBLIC KEY-----
      """;

  @Test
  void rawBase64KeysSignExactlyAsRfc8032Says() {
    PrivateKey privateKey = Ed25519Keys.privateKey(Base64.getEncoder().encodeToString(SECRET));
    PublicKey publicKey = Ed25519Keys.publicKey(Base64.getEncoder().encodeToString(PUBLIC));

    assertThat(Ed25519Signatures.sign(privateKey, MESSAGE)).isEqualTo(SIGNATURE);
    assertThat(Ed25519Signatures.verify(publicKey, MESSAGE, SIGNATURE)).isTrue();
  }

  @Test
  void pemKeysAsOpensslWritesThemAreTheSameKeys() {
    PrivateKey privateKey = Ed25519Keys.privateKey(OPENSSL_PRIVATE_PEM);
    PublicKey publicKey = Ed25519Keys.publicKey(OPENSSL_PUBLIC_PEM);

    assertThat(Ed25519Signatures.sign(privateKey, MESSAGE)).isEqualTo(SIGNATURE);
    assertThat(Ed25519Signatures.verify(publicKey, MESSAGE, SIGNATURE)).isTrue();
  }

  @Test
  void generatedKeysRoundTripThroughPem() {
    KeyPair pair = Ed25519Keys.generate();
    byte[] manifest = "{\"adapter\":\"acme/support\"}".getBytes(StandardCharsets.UTF_8);

    byte[] signature =
        Ed25519Signatures.sign(
            Ed25519Keys.privateKey(Ed25519Keys.toPem(pair.getPrivate())), manifest);

    PublicKey publicKey = Ed25519Keys.publicKey(Ed25519Keys.toPem(pair.getPublic()));
    assertThat(Ed25519Signatures.verify(publicKey, manifest, signature)).isTrue();
  }

  @Test
  void aChangedMessageOrSignatureDoesNotVerify() {
    PublicKey publicKey = Ed25519Keys.publicKey(OPENSSL_PUBLIC_PEM);
    byte[] tampered = SIGNATURE.clone();
    tampered[0] ^= 1;

    assertThat(Ed25519Signatures.verify(publicKey, HEX.parseHex("73"), SIGNATURE)).isFalse();
    assertThat(Ed25519Signatures.verify(publicKey, MESSAGE, tampered)).isFalse();
    assertThat(Ed25519Signatures.verify(publicKey, MESSAGE, new byte[3])).isFalse();
  }

  @Test
  void somethingThatIsNotAKeyIsRefusedClearly() {
    assertThatThrownBy(() -> Ed25519Keys.privateKey(""))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> Ed25519Keys.privateKey("not base64 !!"))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining("base64");
    assertThatThrownBy(() -> Ed25519Keys.publicKey(OPENSSL_PRIVATE_PEM))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining("PUBLIC KEY");
    assertThatThrownBy(() -> Ed25519Keys.publicKey(Base64.getEncoder().encodeToString(new byte[7])))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining("Ed25519 public key");
  }
}
