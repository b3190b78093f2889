package dev.perennial.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4 acceptance: Hugging Face checkpoints load by tensor name and give the same logits. */
class HfCheckpointTest {

  private static final long[][] TOKENS = {
    {257, 72, 101, 108, 108, 111, 33, 10}, {257, 81, 58, 32, 119, 104, 121, 63}
  };

  @TempDir Path folder;

  @Test
  void aWrittenLlamaCheckpointLoadsAndGivesTheSameLogitsAsTheModelItCameFrom() throws IOException {
    LlamaConfig config = TestModels.tinyLlama(false);
    Map<String, HostTensor> weights = TestModels.randomWeights(config, 11);
    float[] expected;
    try (LanguageModel original = TestModels.model(config, weights, null)) {
      expected = TestModels.logits(original, TOKENS);
    }
    CheckpointWriter.write(folder, config, weights, SafetensorsWriter.Dtype.F32);
    Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());

    BaseModel base = BaseModel.open(folder);
    try (LanguageModel loaded = LanguageModel.load(base, Device.cpu())) {
      assertThat(TestModels.logits(loaded, TOKENS)).containsExactly(expected);
    }
    assertThat(base.checkpoint().tensorNames())
        .contains("lm_head.weight", "model.layers.1.mlp.down_proj.weight");
    assertThat(base.digest()).startsWith("sha256:").isEqualTo(BaseModel.open(folder).digest());
  }

  @Test
  void shardedBfloat16QwenCheckpointsLoadTheirBiasesAndUpcast() throws IOException {
    LlamaConfig config = TestModels.tinyQwen2();
    Map<String, HostTensor> weights = bfloat16Rounded(TestModels.randomWeights(config, 5));
    float[] expected;
    try (LanguageModel original = TestModels.model(config, weights, null)) {
      expected = TestModels.logits(original, TOKENS);
    }
    CheckpointWriter.writeSharded(folder, config, weights, SafetensorsWriter.Dtype.BF16, 7);
    Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());

    BaseModel base = BaseModel.open(folder);
    assertThat(base.config().hasQkvBias()).isTrue();
    assertThat(base.checkpoint().entry("model.layers.0.self_attn.k_proj.bias").dtype())
        .isEqualTo("BF16");
    try (LanguageModel loaded = LanguageModel.load(base, Device.cpu())) {
      assertThat(TestModels.logits(loaded, TOKENS)).containsExactly(expected);
    }
  }

  @Test
  void anUntiedLmHeadWithOtherRowsThanTheEmbeddingIsRefusedByNameAtLoad() throws IOException {
    // padded to 300 rows against the embedding's 259: its logits would not line up with the ids
    LlamaConfig config = TestModels.tinyLlama(false);
    Map<String, HostTensor> weights = new HashMap<>(TestModels.randomWeights(config, 3));
    weights.put("lm_head.weight", new HostTensor(new long[] {300, 32}, new float[300 * 32]));
    CheckpointWriter.write(folder, config, weights, SafetensorsWriter.Dtype.F32);
    Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());

    BaseModel base = BaseModel.open(folder);
    assertThatThrownBy(() -> LanguageModel.load(base, Device.cpu()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("tensor lm_head.weight has shape [300, 32]")
        .hasMessageContaining("(259, 32)");
  }

  /**
   * Training frameworks pad the embedding to a multiple of 64 or 128 rows and record the padded
   * count as vocab_size; an embedding with more rows than config.json's vocab_size is refused by
   * transformers too (a size mismatch, unless ignore_mismatched_sizes re-initialises it), so it is
   * refused here, saying how the padded checkpoint loads.
   */
  @Test
  void anEmbeddingWithMoreRowsThanVocabSizeIsRefusedSayingWhichVocabSizeLoadsIt()
      throws IOException {
    LlamaConfig config = TestModels.tinyLlama(true);
    Map<String, HostTensor> weights = new HashMap<>(TestModels.randomWeights(config, 3));
    weights.put(
        "model.embed_tokens.weight", new HostTensor(new long[] {320, 32}, new float[320 * 32]));
    CheckpointWriter.write(folder, config, weights, SafetensorsWriter.Dtype.F32);
    Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());

    BaseModel base = BaseModel.open(folder);
    assertThatThrownBy(() -> LanguageModel.load(base, Device.cpu()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("tensor model.embed_tokens.weight has shape [320, 32]")
        .hasMessageContaining("320 rows, not config.json's vocab_size 259")
        .hasMessageContaining("transformers")
        .hasMessageContaining("vocab_size 320");
    assertThatThrownBy(() -> TestModels.model(config, weights, null))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("320 rows, not config.json's vocab_size 259");
  }

  @Test
  void aCheckpointWithAMissingTensorIsRefusedByName() {
    LlamaConfig config = TestModels.tinyLlama(true);
    Map<String, HostTensor> weights = new HashMap<>(TestModels.randomWeights(config, 3));
    weights.remove("model.layers.1.self_attn.v_proj.weight");
    CheckpointWriter.write(folder, config, weights, SafetensorsWriter.Dtype.F32);

    HfCheckpoint checkpoint = HfCheckpoint.open(folder);
    assertThatThrownBy(() -> TestModels.model(config, readAll(checkpoint), null))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("tensor model.layers.1.self_attn.v_proj.weight is missing");
    try (var manager = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu())) {
      assertThatThrownBy(
              () ->
                  ModelWeights.load(
                      dev.perennial.model.llama.DecoderModel.base(config),
                      checkpoint,
                      manager,
                      false))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("model.layers.1.self_attn.v_proj.weight");
    }
  }

  @Test
  void aMisShapedTensorIsRefusedNamingItAndBothShapes() {
    LlamaConfig config = TestModels.tinyLlama(true);
    Map<String, HostTensor> weights = new HashMap<>(TestModels.randomWeights(config, 3));
    weights.put("model.norm.weight", new HostTensor(new long[] {31}, new float[31]));
    CheckpointWriter.write(folder, config, weights, SafetensorsWriter.Dtype.F32);

    try (var manager = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu())) {
      assertThatThrownBy(
              () ->
                  ModelWeights.load(
                      dev.perennial.model.llama.DecoderModel.base(config),
                      HfCheckpoint.open(folder),
                      manager,
                      false))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("tensor model.norm.weight has shape [31]")
          .hasMessageContaining("(32)");
    }
  }

  @Test
  void aFolderWithoutWeightsSaysWhatIsMissing() throws IOException {
    TestModels.tinyLlama(true).write(folder.resolve(HfCheckpoint.CONFIG));

    assertThatThrownBy(() -> HfCheckpoint.open(folder))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining(HfCheckpoint.INDEX);
  }

  private static Map<String, HostTensor> readAll(HfCheckpoint checkpoint) {
    Map<String, HostTensor> tensors = new HashMap<>();
    checkpoint.tensorNames().forEach(name -> tensors.put(name, checkpoint.read(name)));
    return tensors;
  }

  private static Map<String, HostTensor> bfloat16Rounded(Map<String, HostTensor> weights) {
    Map<String, HostTensor> rounded = new HashMap<>();
    weights.forEach(
        (name, tensor) -> {
          float[] values = tensor.data().clone();
          for (int i = 0; i < values.length; i++) {
            values[i] =
                Float.intBitsToFloat((SafetensorsWriter.toBfloat16(values[i]) & 0xFFFF) << 16);
          }
          rounded.put(name, new HostTensor(tensor.shape(), values));
        });
    return rounded;
  }
}
