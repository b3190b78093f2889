package dev.perennial.publisher.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Ed25519Signatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {

  @Test
  void theKeyPairOfAPrivateKeyPemIsDerivedWithTheSamePublicKey() {
    SigningKey generated = SigningKey.generate();

    SigningKey read = SigningKey.fromPrivateKey(generated.privateKeyPem());

    assertThat(read.publicKey().getEncoded()).isEqualTo(generated.publicKey().getEncoded());
    assertThat(read.keyId()).isEqualTo(generated.keyId()).startsWith("sha256:");
    byte[] message = "manifest".getBytes(StandardCharsets.UTF_8);
    assertThat(Ed25519Signatures.verify(generated.publicKey(), message, read.sign(message)))
        .isTrue();
  }

  @Test
  void aPrivateKeyGivenAsRawBase64IsAccepted() {
    // RFC 8032 test vector 1: the secret key and the public key it derives.
    String secret = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

    SigningKey key = SigningKey.fromPrivateKey(secret);

    assertThat(key.publicKey().getEncoded())
        .endsWith(
            HexFormat.of()
                .parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  }

  @Test
  void somethingElseIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> SigningKey.fromPrivateKey("not a key at all"))
        .isInstanceOf(PerennialException.class)
        .hasMessageNotContaining("not a key at all");
  }

  @Test
  void aLocalRunGeneratesItsKeyOnceAndReusesItAfterwards(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("state/publisher-signing-key.pem");

    LocalSigningKey.Result first = LocalSigningKey.loadOrCreate(file);
    LocalSigningKey.Result second = LocalSigningKey.loadOrCreate(file);

    assertThat(first.generated()).isTrue();
    assertThat(second.generated()).isFalse();
    assertThat(second.key().keyId()).isEqualTo(first.key().keyId());
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }
}
