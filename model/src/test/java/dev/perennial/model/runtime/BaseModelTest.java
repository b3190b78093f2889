package dev.perennial.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.runtime.BaseModel.TokenizerMatch;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a recorded tokenizer digest compares with the tokenizer files a base has now. */
class BaseModelTest {

  @TempDir Path folder;

  @Test
  void aRecordedTokenizerDigestIsTheSameFilesTheSameButGenerationConfigOrOtherFiles()
      throws IOException {
    Path copy = copyOfTheBundledBase();
    Path generation = copy.resolve(Tokenizers.GENERATION_CONFIG);
    Files.writeString(generation, "{\"eos_token_id\": 2}");
    BaseModel before = BaseModel.open(copy, TinyModel.NAME);
    String recordedBefore = before.tokenizerDigest();
    String recordedEarlier = before.tokenizerDigestWithoutGenerationConfig().orElseThrow();
    // generation_config.json edited in place: every other tokenizer file stays the same
    Files.writeString(generation, "{\"eos_token_id\": 1}");
    BaseModel edited = BaseModel.open(copy, TinyModel.NAME);

    assertThat(edited.tokenizerMatch(edited.tokenizerDigest())).isEqualTo(TokenizerMatch.SAME);
    assertThat(edited.tokenizerMatch(recordedEarlier))
        .isEqualTo(TokenizerMatch.SAME_BEFORE_GENERATION_CONFIG);
    assertThat(edited.tokenizerMatch(recordedBefore)).isEqualTo(TokenizerMatch.OTHER);
    assertThat(edited.tokenizerMatch("")).isEqualTo(TokenizerMatch.OTHER);
  }

  @Test
  void digestsCompareAsSha256ValuesWhetherWrittenAsBareHexOrInUpperCase() throws IOException {
    Path copy = copyOfTheBundledBase();
    Files.writeString(copy.resolve(Tokenizers.GENERATION_CONFIG), "{\"eos_token_id\": 2}");
    BaseModel base = BaseModel.open(copy, TinyModel.NAME);
    String current = base.tokenizerDigest();
    String earlier = base.tokenizerDigestWithoutGenerationConfig().orElseThrow();

    assertThat(base.tokenizerMatch(bareHex(current))).isEqualTo(TokenizerMatch.SAME);
    assertThat(base.tokenizerMatch(" " + current.toUpperCase(Locale.ROOT) + " "))
        .isEqualTo(TokenizerMatch.SAME);
    assertThat(base.tokenizerMatch(bareHex(earlier).toUpperCase(Locale.ROOT)))
        .isEqualTo(TokenizerMatch.SAME_BEFORE_GENERATION_CONFIG);
  }

  @Test
  void withoutAGenerationConfigOnlyTheSameFilesMatch() throws IOException {
    Path copy = copyOfTheBundledBase();
    Files.deleteIfExists(copy.resolve(Tokenizers.GENERATION_CONFIG));
    BaseModel without = BaseModel.open(copy, TinyModel.NAME);
    String withoutDigest = without.tokenizerDigest();
    Files.writeString(copy.resolve(Tokenizers.GENERATION_CONFIG), "{\"eos_token_id\": 2}");
    BaseModel with = BaseModel.open(copy, TinyModel.NAME);

    assertThat(without.tokenizerDigestWithoutGenerationConfig()).isEmpty();
    assertThat(without.tokenizerMatch(withoutDigest)).isEqualTo(TokenizerMatch.SAME);
    // a digest that covered generation_config.json does not match files that lack it
    assertThat(without.tokenizerMatch(with.tokenizerDigest())).isEqualTo(TokenizerMatch.OTHER);
    // the files without generation_config.json are what a digest recorded before it counted
    assertThat(with.tokenizerMatch(withoutDigest))
        .isEqualTo(TokenizerMatch.SAME_BEFORE_GENERATION_CONFIG);
  }

  private static String bareHex(String digest) {
    return digest.substring("sha256:".length());
  }

  /** The bundled base copied into the test's folder, whose tokenizer files a test may edit. */
  private Path copyOfTheBundledBase() throws IOException {
    Path copy = Files.createDirectories(folder.resolve("base"));
    try (Stream<Path> files = Files.list(TinyModel.folder())) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName().toString()));
      }
    }
    return copy;
  }
}
