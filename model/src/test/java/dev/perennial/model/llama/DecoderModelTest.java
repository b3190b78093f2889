package dev.perennial.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.runtime.LanguageModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecoderModelTest {

  @Test
  void rmsNormDividesByTheRootMeanSquareAndScales() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      RmsNorm norm = new RmsNorm(2, 0.0);
      norm.weight().setArray(manager.create(new float[] {1f, 2f}));
      NDArray x = manager.create(new float[] {3f, 4f}, new ai.djl.ndarray.types.Shape(1, 2));

      float[] y = norm.forward(new ParameterStore(manager, false), x, false).toFloatArray();

      // rms = sqrt((9 + 16) / 2) = 3.5355
      assertThat(y[0]).isCloseTo(3f / 3.5355339f, org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(y[1]).isCloseTo(2 * 4f / 3.5355339f, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void rotaryEmbeddingRotatesDimensionIWithDimensionIPlusHalf() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // head_dim 4: pairs (0,2) and (1,3); position 1 rotates pair 0 by 1 rad, pair 1 by 1/100 rad
      NDArray x =
          manager.create(new float[] {1f, 0f, 0f, 1f}, new ai.djl.ndarray.types.Shape(1, 1, 1, 4));
      double[] angles = {1.0, 1.0 / Math.sqrt(10000)};
      float[] cos = new float[4];
      float[] sin = new float[4];
      for (int i = 0; i < 4; i++) {
        cos[i] = (float) Math.cos(angles[i % 2]);
        sin[i] = (float) Math.sin(angles[i % 2]);
      }
      float[] y =
          RotaryEmbedding.apply(
                  x,
                  manager.create(cos, new ai.djl.ndarray.types.Shape(1, 1, 1, 4)),
                  manager.create(sin, new ai.djl.ndarray.types.Shape(1, 1, 1, 4)))
              .toFloatArray();

      // (x0, x2) = (1, 0) -> (cos a, sin a); (x1, x3) = (0, 1) -> (-sin b, cos b)
      assertThat(y[0]).isCloseTo((float) Math.cos(1.0), org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(y[2]).isCloseTo((float) Math.sin(1.0), org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(y[1])
          .isCloseTo((float) -Math.sin(0.01), org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(y[3])
          .isCloseTo((float) Math.cos(0.01), org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void groupedQueryAttentionEqualsFullAttentionWithEachKeyValueHeadCopiedToItsGroup() {
    LlamaConfig grouped = dev.perennial.model.TestModels.tinyLlama(true);
    LlamaConfig full = LlamaConfig.llama(grouped.vocabSize(), 32, 64, 2, 4, 4, 128, true);
    Map<String, HostTensor> weights = TestModels.randomWeights(grouped, 17);
    // kv head h serves query heads 2h and 2h+1: duplicate its rows [h*8, h*8+8) in that order
    Map<String, HostTensor> expanded = new HashMap<>(weights);
    for (int layer = 0; layer < 2; layer++) {
      for (TargetModule module : new TargetModule[] {TargetModule.K, TargetModule.V}) {
        String name = module.path(layer) + ".weight";
        HostTensor kv = weights.get(name);
        float[] rows = new float[4 * 8 * 32];
        for (int head = 0; head < 4; head++) {
          System.arraycopy(kv.data(), (head / 2) * 8 * 32, rows, head * 8 * 32, 8 * 32);
        }
        expanded.put(name, new HostTensor(new long[] {32, 32}, rows));
      }
    }
    long[][] tokens = {{257, 1, 2, 3, 4, 5}};
    try (LanguageModel gqa = TestModels.model(grouped, weights, null);
        LanguageModel mha = TestModels.model(full, expanded, null)) {
      float[] a = TestModels.logits(gqa, tokens);
      float[] b = TestModels.logits(mha, tokens);
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void aPositionsLogitsDoNotDependOnLaterTokens() {
    LlamaConfig config = TestModels.tinyLlama(true);
    try (LanguageModel model =
        TestModels.model(config, TestModels.randomWeights(config, 2), null)) {
      float[] a = TestModels.logits(model, new long[][] {{257, 10, 20, 30, 40}});
      float[] b = TestModels.logits(model, new long[][] {{257, 10, 20, 99, 98}});
      int vocab = config.vocabSize();
      for (int i = 0; i < 3 * vocab; i++) {
        assertThat(a[i]).isEqualTo(b[i]);
      }
      assertThat(a[3 * vocab]).isNotEqualTo(b[3 * vocab]);
    }
  }

  @Test
  void mistralsSlidingWindowHidesKeysFurtherBackThanTheWindow() {
    LlamaConfig mistral =
        new LlamaConfig(
            ModelType.MISTRAL,
            259,
            32,
            64,
            2,
            4,
            2,
            8,
            1e-5,
            10000.0,
            RopeScaling.NONE,
            128,
            true,
            false,
            false,
            false,
            2,
            List.of(),
            List.of(257),
            List.of(258));
    try (LanguageModel model =
        TestModels.model(mistral, TestModels.randomWeights(mistral, 9), null)) {
      float[] a = TestModels.logits(model, new long[][] {{10, 20, 30, 40}});
      float[] b = TestModels.logits(model, new long[][] {{99, 20, 30, 40}});
      int vocab = mistral.vocabSize();
      // two layers with a window of two: position 3 sees tokens 1-3, position 2 still sees token 0
      for (int v = 0; v < vocab; v++) {
        assertThat(a[3 * vocab + v]).isEqualTo(b[3 * vocab + v]);
      }
      assertThat(a[2 * vocab]).isNotEqualTo(b[2 * vocab]);
    }
  }

  @Test
  void baseParametersCarryHuggingFaceNamesAndCountTiedEmbeddingsOnce() {
    DecoderModel tied = DecoderModel.base(TestModels.tinyLlama(true));
    DecoderModel untied = DecoderModel.base(TestModels.tinyLlama(false));

    assertThat(tied.baseParameters())
        .containsKeys(
            "model.embed_tokens.weight",
            "model.layers.0.input_layernorm.weight",
            "model.layers.1.self_attn.o_proj.weight",
            "model.layers.1.mlp.gate_proj.weight",
            "model.norm.weight")
        .doesNotContainKey("lm_head.weight");
    assertThat(untied.baseParameters()).containsKey("lm_head.weight");
    assertThat(untied.baseParameterCount() - tied.baseParameterCount()).isEqualTo(259 * 32);
    assertThat(tied.baseShapes().get("model.layers.0.self_attn.k_proj.weight").getShape())
        .containsExactly(16, 32);
  }
}
