package dev.perennial.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class AesGcmTest {

  private static final byte[] PLACE = "acme/p-1/text".getBytes(StandardCharsets.UTF_8);

  @Test
  void aSealedValueOpensWithItsKeyInItsPlaceOnly() {
    SecretKey key = AesGcm.newKey();
    byte[] plaintext = "The Zix lamp is teal.".getBytes(StandardCharsets.UTF_8);

    byte[] sealed = AesGcm.seal(key, plaintext, PLACE);

    assertThat(sealed).hasSize(plaintext.length + AesGcm.OVERHEAD);
    assertThat(AesGcm.plaintextLength(sealed.length)).isEqualTo(plaintext.length);
    assertThat(AesGcm.open(key, sealed, PLACE)).isEqualTo(plaintext);
    assertThatThrownBy(() -> AesGcm.open(AesGcm.newKey(), sealed, PLACE))
        .isInstanceOf(UndecryptableException.class);
    assertThatThrownBy(
            () -> AesGcm.open(key, sealed, "globex/p-1/text".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UndecryptableException.class);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> AesGcm.open(key, sealed, PLACE))
        .isInstanceOf(UndecryptableException.class);
  }

  @Test
  void everySealHasAFreshNonce() {
    SecretKey key = AesGcm.newKey();
    byte[] plaintext = "same".getBytes(StandardCharsets.UTF_8);

    byte[] first = AesGcm.seal(key, plaintext, PLACE);
    byte[] second = AesGcm.seal(key, plaintext, PLACE);

    assertThat(first).isNotEqualTo(second);
    assertThat(java.util.Arrays.copyOf(first, AesGcm.NONCE_BYTES))
        .isNotEqualTo(java.util.Arrays.copyOf(second, AesGcm.NONCE_BYTES));
  }
}
