package dev.perennial.model.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.runtime.LanguageModel;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoraMeanTest {

  private static final String V = "model.layers.0.self_attn.v_proj";

  @Test
  void theMeanChangesTheWeightsByTheMeanOfTheMembersChanges() {
    // rank 1, alpha 2: each member changes W by 2 B A
    LoraConfig config = new LoraConfig(1, 2, 0, EnumSet.of(TargetModule.V));
    LoraWeights first = oneModule(config, new float[] {1, 2}, new float[] {1, 0});
    LoraWeights second = oneModule(config, new float[] {3, 0}, new float[] {0, 2});

    LoraWeights mean = LoraMean.of(List.of(first, second));

    // 2 [[1, 2], [0, 0]] and 2 [[0, 0], [6, 0]]: their mean is [[1, 2], [6, 0]]
    assertThat(mean.config().rank()).isEqualTo(2);
    assertThat(mean.config().scaling()).isEqualTo(2);
    LoraWeights.Pair pair = mean.modules().get(V);
    assertThat(pair.a().shape()).containsExactly(2, 2);
    assertThat(pair.b().shape()).containsExactly(2, 2);
    assertThat(change(mean.config(), pair)).containsExactly(1f, 2f, 6f, 0f);
  }

  @Test
  void onAModelTheMeanWithAnUntrainedAdapterActsAsHalfTheTrainedOne() {
    LlamaConfig model = TestModels.tinyLlama(true);
    Map<String, HostTensor> weights = TestModels.randomWeights(model, 4);
    long[][] tokens = {{257, 40, 41, 42, 43}};
    LoraConfig config = new LoraConfig(2, 6, 0, EnumSet.of(TargetModule.V, TargetModule.DOWN));
    LoraWeights trained = TestModels.randomLora(model, config, 8);
    LoraWeights untrained = LoraWeights.initialize(model, config, 9);

    LoraWeights mean = LoraMean.of(List.of(trained, untrained));

    Map<String, LoraWeights.Pair> halved = new LinkedHashMap<>();
    trained
        .modules()
        .forEach((path, pair) -> halved.put(path, new LoraWeights.Pair(pair.a(), half(pair.b()))));
    try (LanguageModel averaged = TestModels.model(model, weights, mean);
        LanguageModel half = TestModels.model(model, weights, new LoraWeights(config, halved));
        LanguageModel full = TestModels.model(model, weights, trained)) {
      float[] expected = TestModels.logits(half, tokens);
      float[] actual = TestModels.logits(averaged, tokens);
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
      }
      assertThat(actual).isNotEqualTo(TestModels.logits(full, tokens));
    }
  }

  @Test
  void adaptersOfDifferentShapesAreRefused() {
    LoraWeights rankOne =
        oneModule(
            new LoraConfig(1, 2, 0, EnumSet.of(TargetModule.V)),
            new float[] {1, 2},
            new float[] {1, 0});
    LoraWeights otherAlpha =
        oneModule(
            new LoraConfig(1, 4, 0, EnumSet.of(TargetModule.V)),
            new float[] {1, 2},
            new float[] {1, 0});

    assertThatThrownBy(() -> LoraMean.of(List.of(rankOne, otherAlpha)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("only adapters of one shape can be averaged");
    LoraWeights wider =
        new LoraWeights(
            rankOne.config(),
            Map.of(
                V,
                new LoraWeights.Pair(
                    new HostTensor(new long[] {1, 3}, new float[] {1, 2, 3}),
                    new HostTensor(new long[] {3, 1}, new float[] {1, 0, 0}))));
    assertThatThrownBy(() -> LoraMean.of(List.of(rankOne, wider)))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(V + " is A [1, 2]");
    assertThatThrownBy(() -> LoraMean.of(List.of()))
        .hasMessageContaining("the mean of no adapters");
  }

  private static LoraWeights oneModule(LoraConfig config, float[] a, float[] b) {
    return new LoraWeights(
        config,
        Map.of(
            V,
            new LoraWeights.Pair(
                new HostTensor(new long[] {1, a.length}, a),
                new HostTensor(new long[] {b.length, 1}, b))));
  }

  /** scaling x B A, row-major. */
  private static float[] change(LoraConfig config, LoraWeights.Pair pair) {
    int out = (int) pair.b().shape()[0];
    int rank = (int) pair.b().shape()[1];
    int in = (int) pair.a().shape()[1];
    float[] w = new float[out * in];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        float sum = 0;
        for (int r = 0; r < rank; r++) {
          sum += pair.b().data()[o * rank + r] * pair.a().data()[r * in + i];
        }
        w[o * in + i] = (float) (config.scaling() * sum);
      }
    }
    return w;
  }

  private static HostTensor half(HostTensor tensor) {
    float[] data = tensor.data().clone();
    for (int i = 0; i < data.length; i++) {
      data[i] /= 2;
    }
    return new HostTensor(tensor.shape(), data);
  }
}
