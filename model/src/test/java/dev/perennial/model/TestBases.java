package dev.perennial.model;

import dev.perennial.model.checkpoint.CheckpointWriter;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Random base models written to disk as Hugging Face folders. */
public final class TestBases {

  private TestBases() {}

  public static BaseModel write(Path folder, LlamaConfig config, long seed) {
    CheckpointWriter.write(
        folder, config, TestModels.randomWeights(config, seed), SafetensorsWriter.Dtype.F32);
    try {
      Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return BaseModel.open(folder, "test-base");
  }
}
