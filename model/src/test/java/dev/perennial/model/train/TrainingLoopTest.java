package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {

  private final LlamaConfig config = TestModels.tinyLlama(true);
  private final ByteTokenizer tokenizer = new ByteTokenizer();
  private final List<TokenizedExample> examples =
      List.of(
          TokenizedExample.of(TrainingExample.text("the quick brown fox"), tokenizer, 32),
          TokenizedExample.of(TrainingExample.completion("Q: x?", " y"), tokenizer, 32));

  @Test
  void fullFineTuningLowersTheLossAndAccumulatesOverMicroBatches() {
    TrainingRecipe recipe = new TrainingRecipe(15, 2, 2, 1e-2, 2, 0.1, 0.01, 1.0, 32, 0, 3, 1);
    try (LanguageModel model = TestModels.trainable(config, tokenizer, null, "full")) {
      TrainingLoop.Outcome outcome =
          TrainingLoop.run(
              model,
              new ExampleSampler(examples, List.of(), recipe, tokenizer.padId()),
              recipe,
              StepListener.NONE);

      assertThat(model.trainableParameters()).hasSize(model.decoder().baseParameters().size());
      assertThat(outcome.steps()).hasSize(15);
      assertThat(outcome.steps().get(14).loss()).isLessThan(outcome.steps().get(0).loss() / 2);
      // two micro-batches holding both examples: 2 x (20 + 8) input tokens
      assertThat(outcome.steps().get(0).tokens()).isEqualTo(2 * (20 + 8));
    }
  }

  @Test
  void stepsWithNonFiniteLossAreSkippedAndFiveInARowStopTrainingAsDiverged() {
    Map<String, HostTensor> weights = new HashMap<>(TestModels.randomWeights(config, 1));
    float[] huge = new float[config.hiddenSize()];
    Arrays.fill(huge, 3e38f);
    weights.put("model.norm.weight", new HostTensor(new long[] {config.hiddenSize()}, huge));
    TrainingRecipe recipe = new TrainingRecipe(10, 2, 1, 1e-3, 0, 0.1, 0, 1.0, 32, 0, 3, 1);
    try (LanguageModel model =
        LanguageModel.fromWeights(
            config, tokenizer, weights, Device.cpu(), true, null, "overflowing")) {
      Map<String, HostTensor> before = ModelWeights.read(model.decoder());

      assertThatThrownBy(
              () ->
                  TrainingLoop.run(
                      model,
                      new ExampleSampler(examples, List.of(), recipe, tokenizer.padId()),
                      recipe,
                      StepListener.NONE))
          .isInstanceOf(TrainingDivergedException.class)
          .hasMessageContaining("training diverged: 5 steps in a row")
          .hasMessageContaining("step 5");
      assertThat(ModelWeights.read(model.decoder())).isEqualTo(before);
    }
  }
}
