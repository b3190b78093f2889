package dev.perennial.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

  @TempDir Path folder;

  @Test
  void bytesRoundTripIncludingMultiByteCharactersAndSkipSpecials() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    int[] ids = tokenizer.encode("Grüße, 東京!");

    assertThat(ids).hasSize("Grüße, 東京!".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    assertThat(tokenizer.decode(ids)).isEqualTo("Grüße, 東京!");
    assertThat(tokenizer.decode(new int[] {ByteTokenizer.BOS, 'h', 'i', ByteTokenizer.EOS}))
        .isEqualTo("hi");
  }

  @Test
  void aHuggingFaceTokenizerJsonLoadsOfflineThroughTheBundledNativeLibrary() throws IOException {
    Files.writeString(
        folder.resolve(Tokenizers.HUGGING_FACE),
        "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
            + "{\"id\":0,\"content\":\"<unk>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
            + "\"normalized\":false,\"special\":true}],"
            + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\":null,"
            + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"<unk>\":0,\"<s>\":1,\"</s>\":2,"
            + "\"the\":3,\"lamp\":4,\"is\":5,\"red\":6,\".\":7},\"unk_token\":\"<unk>\"}}");
    TestModels.tinyLlama(true).withSpecialTokens(1, 2).write(folder.resolve("config.json"));

    TextTokenizer tokenizer =
        Tokenizers.forFolder(folder, TestModels.tinyLlama(true).withSpecialTokens(1, 2));

    assertThat(tokenizer).isInstanceOf(HuggingFaceTextTokenizer.class);
    assertThat(tokenizer.encode("the lamp is red.")).containsExactly(3, 4, 5, 6, 7);
    assertThat(tokenizer.encode("the unknown")).containsExactly(3, 0);
    assertThat(tokenizer.eosId()).isEqualTo(2);
    assertThat(tokenizer.padId()).isEqualTo(2);
  }

  @Test
  void aByteTokenizerOnAnEmbeddingWithFewerRowsThanItsIdsIsRefusedNamingIdTokenAndRows()
      throws IOException {
    // 200 rows: bytes 200-255 and <pad>, <bos>, <eos> have none; once this loaded and the first
    // text holding such a byte failed in the engine's embedding lookup
    Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());
    LlamaConfig config = LlamaConfig.llama(200, 32, 64, 2, 4, 2, 128, true);

    assertThatThrownBy(() -> Tokenizers.forFolder(folder, config))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("id 258")
        .hasMessageContaining("<eos>")
        .hasMessageContaining("200 rows");
  }

  @Test
  void aFolderWithoutATokenizerSaysWhichFilesItLooksFor() {
    assertThatThrownBy(() -> Tokenizers.forFolder(folder, TestModels.tinyLlama(true)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(Tokenizers.BYTE_DESCRIPTION)
        .hasMessageContaining(Tokenizers.HUGGING_FACE);
  }
}
