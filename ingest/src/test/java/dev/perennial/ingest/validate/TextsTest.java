package dev.perennial.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextsTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"plain", "café", "日本語", "emoji 🙂 pair", "mixed é 🙂 語"})
  void theUtf8LengthIsTheLengthOfTheEncodedBytes(String text) {
    assertThat(Texts.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void replacementCharactersAndLoneSurrogatesAreNotWellFormed() {
    assertThat(Texts.isWellFormedUtf8("fine 🙂")).isTrue();
    assertThat(Texts.isWellFormedUtf8("caf\uFFFD")).isFalse();
    assertThat(Texts.isWellFormedUtf8("high \uD83D alone")).isFalse();
    assertThat(Texts.isWellFormedUtf8("low \uDE42 alone")).isFalse();
    assertThat(Texts.isWellFormedUtf8("ends high \uD83D")).isFalse();
  }

  @Test
  void controlCharactersAreFound() {
    assertThat(Texts.hasControlCharacter("a\nb")).isTrue();
    assertThat(Texts.hasControlCharacter("a\u0000b")).isTrue();
    assertThat(Texts.hasControlCharacter("a b")).isFalse();
  }
}
