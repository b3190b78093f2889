package dev.perennial.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class MasterKeysTest {

  private static final String OLD = "old=" + key(1);
  private static final String NEW = "new=" + key(2);
  private static final byte[] BINDING = "acme/p-1/dk-1".getBytes(StandardCharsets.UTF_8);

  private static String key(int seed) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) seed);
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Test
  void theFirstKeyWrapsAndEveryKeyUnwrapsWhatItWrapped() {
    SecretKey dataKey = AesGcm.newKey();
    MasterKeys before = MasterKeys.parse(OLD);
    MasterKeys.Wrapped wrappedBefore = before.wrap(dataKey, BINDING);

    MasterKeys rotated = MasterKeys.parse("# rotated\n" + NEW + "\n" + OLD + "\n");

    assertThat(wrappedBefore.masterKeyId()).isEqualTo("old");
    assertThat(rotated.currentId()).isEqualTo("new");
    assertThat(rotated.ids()).containsExactly("new", "old");
    assertThat(rotated.unwrap(wrappedBefore, BINDING).getEncoded()).isEqualTo(dataKey.getEncoded());
    assertThat(rotated.wrap(dataKey, BINDING).masterKeyId()).isEqualTo("new");
    assertThat(MasterKeys.parse(NEW + "," + OLD).ids()).containsExactly("new", "old");
  }

  @Test
  void aRetiredKeyThatIsNoLongerConfiguredCannotUnwrapAndSaysWhy() {
    MasterKeys.Wrapped wrapped = MasterKeys.parse(OLD).wrap(AesGcm.newKey(), BINDING);

    assertThatThrownBy(() -> MasterKeys.parse(NEW).unwrap(wrapped, BINDING))
        .isInstanceOf(MasterKeyMissingException.class)
        .hasMessageContaining("master key old is not among the configured ones [new]");
  }

  @Test
  void badTextIsRefusedWithoutShowingAnyKey() {
    assertThatThrownBy(() -> MasterKeys.parse("")).hasMessageContaining("no master key is given");
    assertThatThrownBy(() -> MasterKeys.parse("short=" + "c2hvcnQ="))
        .hasMessageContaining("master key short has 5 bytes; it needs 32")
        .hasMessageNotContaining("c2hvcnQ=");
    assertThatThrownBy(() -> MasterKeys.parse(key(3)))
        .hasMessageContaining("master key entry 1 is not id=base64")
        .hasMessageNotContaining(key(3));
    assertThatThrownBy(() -> MasterKeys.parse(OLD + "\n" + OLD))
        .hasMessageContaining("master key id old is given twice");
  }
}
