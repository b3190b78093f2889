package dev.perennial.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestTest {

  // FIPS 180-2, appendix B.1
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path folder;

  @Test
  void bytesStreamsAndFilesGiveTheStandardSha256() throws IOException {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    Path file = Files.write(folder.resolve("abc"), abc);

    assertThat(Digest.of(abc).hex()).isEqualTo(ABC_SHA256);
    assertThat(Digest.of(new ByteArrayInputStream(abc)).hex()).isEqualTo(ABC_SHA256);
    assertThat(Digest.of(file).hex()).isEqualTo(ABC_SHA256);
  }

  @Test
  void aDigestIsWrittenWithItsAlgorithmAndParsedBackInEitherForm() {
    Digest digest = Digest.of("abc".getBytes(StandardCharsets.US_ASCII));

    assertThat(digest).hasToString("sha256:" + ABC_SHA256);
    assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
    assertThat(Digest.parse(ABC_SHA256.toUpperCase())).isEqualTo(digest);
    assertThat(Digest.fromBytes(digest.toBytes())).isEqualTo(digest);
  }

  @Test
  void somethingThatIsNotADigestIsRefusedWithWhatItWas() {
    assertThatThrownBy(() -> Digest.parse("sha256:1234"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1234");
    assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(IllegalArgumentException.class);
    for (String bad :
        new String[] {
          "12\n2026-01-02 03:04:05 INFO forged line", "12\u001b[31m", "e".repeat(100_000)
        }) {
      assertThatThrownBy(() -> Digest.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageEndingWith("(not shown: not an id)")
          .hasMessageNotContaining("forged line")
          .hasMessageNotContaining("\u001b")
          .hasMessageNotContaining("e".repeat(1_000));
    }
    assertThatThrownBy(() -> Digest.fromBytes(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("31");
  }
}
