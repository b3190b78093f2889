package dev.perennial.model.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.runtime.LanguageModel;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoraTest {

  private final LlamaConfig config = TestModels.tinyLlama(true);
  private final Map<String, HostTensor> weights = TestModels.randomWeights(config, 4);
  private final long[][] tokens = {{257, 40, 41, 42, 43}};

  @Test
  void initialisationIsSeededWithRandomAAndZeroB() {
    LoraConfig lora = new LoraConfig(4, 8, 0, EnumSet.of(TargetModule.Q, TargetModule.DOWN));

    LoraWeights first = LoraWeights.initialize(config, lora, 99);
    LoraWeights again = LoraWeights.initialize(config, lora, 99);
    LoraWeights other = LoraWeights.initialize(config, lora, 100);

    assertThat(first.modules())
        .containsOnlyKeys(
            "model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.q_proj",
            "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj");
    LoraWeights.Pair q = first.modules().get("model.layers.0.self_attn.q_proj");
    assertThat(q.a().shape()).containsExactly(4, 32);
    assertThat(q.b().shape()).containsExactly(32, 4);
    assertThat(q.a().data())
        .isEqualTo(again.modules().get("model.layers.0.self_attn.q_proj").a().data());
    assertThat(q.a().data())
        .isNotEqualTo(other.modules().get("model.layers.0.self_attn.q_proj").a().data());
    assertThat(q.b().data()).containsOnly(0f);
    float bound = (float) (1 / Math.sqrt(32));
    for (float value : q.a().data()) {
      assertThat(Math.abs(value)).isLessThanOrEqualTo(bound);
    }
  }

  @Test
  void aFreshAdapterLeavesTheBaseOutputUnchanged() {
    LoraWeights fresh = LoraWeights.initialize(config, LoraConfig.defaults(), 1);
    try (LanguageModel base = TestModels.model(config, weights, null);
        LanguageModel adapted = TestModels.model(config, weights, fresh)) {
      assertThat(TestModels.logits(adapted, tokens))
          .containsExactly(TestModels.logits(base, tokens));
    }
  }

  @Test
  void theAdapterAddsAlphaOverRTimesBaToTheFrozenBaseOutput() {
    try (ai.djl.ndarray.NDManager manager =
        ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
      dev.perennial.model.llama.Projection base =
          new dev.perennial.model.llama.Projection(0, TargetModule.V, 2, 2, false);
      base.weight()
          .setArray(manager.create(new float[] {1, 0, 0, 1}, new ai.djl.ndarray.types.Shape(2, 2)));
      LoraProjection lora =
          new LoraProjection(base, new LoraConfig(1, 3, 0, EnumSet.of(TargetModule.V)));
      lora.loraA()
          .setArray(manager.create(new float[] {1, 0}, new ai.djl.ndarray.types.Shape(1, 2)));
      lora.loraB()
          .setArray(manager.create(new float[] {0, 2}, new ai.djl.ndarray.types.Shape(2, 1)));
      ai.djl.ndarray.NDArray x =
          manager.create(new float[] {1, 5}, new ai.djl.ndarray.types.Shape(1, 1, 2));
      dev.perennial.model.llama.ForwardContext context =
          dev.perennial.model.llama.ForwardContext.create(
              manager,
              config,
              manager.create(new long[] {0}, new ai.djl.ndarray.types.Shape(1, 1)),
              null,
              null,
              null,
              false);

      float[] y =
          lora.forward(new ai.djl.training.ParameterStore(manager, false), x, context)
              .toFloatArray();

      // base [1, 5] plus 3 * B (A x) = 3 * [0, 2 * 1]
      assertThat(y).containsExactly(1f, 11f);
    }
  }

  @Test
  void anAdapterWithNonZeroBChangesTheOutputAndOnlyItsMatricesTrain() {
    LoraConfig lora = new LoraConfig(2, 6, 0, EnumSet.of(TargetModule.V));
    LoraWeights random = TestModels.randomLora(config, lora, 8);
    try (LanguageModel base = TestModels.model(config, weights, null);
        LanguageModel adapted = TestModels.model(config, weights, random)) {
      assertThat(TestModels.logits(adapted, tokens)).isNotEqualTo(TestModels.logits(base, tokens));
      assertThat(adapted.trainableParameters())
          .extracting(ai.djl.nn.Parameter::getName)
          .containsExactly("lora_A", "lora_B", "lora_A", "lora_B");
    }
  }

  @Test
  void invalidConfigsReportEveryProblem() {
    assertThatThrownBy(() -> new LoraConfig(0, -1, 1.5, EnumSet.noneOf(TargetModule.class)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("rank")
        .hasMessageContaining("alpha")
        .hasMessageContaining("dropout")
        .hasMessageContaining("target modules");
    assertThat(TargetModule.parseList("q, v_proj,GATE"))
        .containsExactly(TargetModule.Q, TargetModule.V, TargetModule.GATE);
    assertThatThrownBy(() -> TargetModule.parse("qkv"))
        .hasMessageContaining("unknown target module 'qkv'")
        .hasMessageContaining("gate_proj");
  }

  @Test
  void adapterShapesThatDoNotFitTheBaseAreRefusedByTensorName() {
    LlamaConfig wider = LlamaConfig.llama(259, 48, 64, 2, 4, 2, 128, true);
    LoraWeights forWider = LoraWeights.initialize(wider, LoraConfig.defaults(), 1);

    assertThatThrownBy(() -> forWider.checkAgainst(config))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight has shape [8, 48]")
        .hasMessageContaining("[8, 32]");
  }
}
