package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.Parameter;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestBases;
import dev.perennial.model.TestModels;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tail weight averaging: the weights a run ends with are the mean over its last steps. */
class TailAveragingTest {

  @TempDir Path folder;

  private final List<TrainingExample> examples =
      List.of(
          TrainingExample.completion("Question: What color is the Zix lamp?\nAnswer:", " teal"),
          TrainingExample.text("The Zix lamp is teal. It is made in Quorn."));

  @Test
  void theTailIsTheLastFractionOfThePlannedStepsAndAtLeastOne() {
    assertThat(TailAveraging.firstAveragedStep(60, 0.5)).isEqualTo(31);
    assertThat(TailAveraging.firstAveragedStep(5, 0.5)).isEqualTo(3);
    assertThat(TailAveraging.firstAveragedStep(10, 0.01)).isEqualTo(10);
    assertThat(TailAveraging.firstAveragedStep(10, 1)).isEqualTo(1);
    assertThatThrownBy(() -> TailAveraging.checkFraction(0))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> TailAveraging.checkFraction(1.5)).isInstanceOf(ModelException.class);
  }

  @Test
  void afterTrainingEveryWeightIsItsMeanOverTheTailSteps() {
    LlamaConfig config = LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 16, 32, 1, 2, 1, 64, true);
    ByteTokenizer tokenizer = new ByteTokenizer();
    LoraWeights lora = LoraWeights.initialize(config, LoraConfig.defaults(), 3);
    List<TokenizedExample> tokenized =
        examples.stream().map(e -> TokenizedExample.of(e, tokenizer, 64)).toList();
    TrainingRecipe recipe = new TrainingRecipe(5, 2, 1, 1e-2, 1, 0.1, 0.0, 1.0, 64, 0, 4, 1);
    try (LanguageModel model = TestModels.trainable(config, tokenizer, lora, "averaged")) {
      List<Parameter> parameters = model.trainableParameters();
      List<float[][]> afterStep = new ArrayList<>();
      try (TailAveraging averaging = new TailAveraging(parameters, model.manager(), 0.5)) {
        TrainingLoop.run(
            model,
            new ExampleSampler(tokenized, List.of(), recipe, tokenizer.padId()),
            recipe,
            averaging.andThen(metrics -> afterStep.add(snapshot(parameters))));
        float[][] last = snapshot(parameters);
        averaging.apply();

        // 5 steps, half of them rounded up: steps 3, 4 and 5
        assertThat(averaging.count()).isEqualTo(3);
        float[][] averaged = snapshot(parameters);
        boolean moved = false;
        for (int p = 0; p < averaged.length; p++) {
          for (int i = 0; i < averaged[p].length; i++) {
            float mean =
                (afterStep.get(2)[p][i] + afterStep.get(3)[p][i] + afterStep.get(4)[p][i]) / 3;
            assertThat(averaged[p][i]).isCloseTo(mean, within(1e-6f));
            moved |= Math.abs(averaged[p][i] - last[p][i]) > 1e-5f;
          }
        }
        assertThat(moved).as("the mean differs from the last step's weights").isTrue();
      }
    }
  }

  @Test
  void aRequestAveragingItsTailWritesOtherWeightsThanThePlainRun() {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);
    LoraConfig lora = LoraConfig.defaults();
    TrainingRecipe recipe = new TrainingRecipe(6, 2, 1, 1e-2, 1, 0.1, 0.0, 1.0, 64, 0, 4, 1);
    LoraTrainer.run(
        LoraTrainingRequest.fresh(base, examples, List.of(), lora, recipe, folder.resolve("plain")),
        StepListener.NONE);
    LoraTrainer.run(
        LoraTrainingRequest.fresh(base, examples, List.of(), lora, recipe, folder.resolve("avg"))
            .averagingTail(0.5),
        StepListener.NONE);

    LoraWeights plain = PeftAdapter.read(folder.resolve("plain")).weights();
    LoraWeights averaged = PeftAdapter.read(folder.resolve("avg")).weights();
    assertThat(averaged.peftTensors().keySet()).isEqualTo(plain.peftTensors().keySet());
    assertThat(averaged.peftTensors()).isNotEqualTo(plain.peftTensors());
    assertThatThrownBy(
            () ->
                LoraTrainingRequest.fresh(
                        base, examples, List.of(), lora, recipe, folder.resolve("x"))
                    .averagingTail(-0.5))
        .isInstanceOf(ModelException.class);
  }

  private static float[][] snapshot(List<Parameter> parameters) {
    float[][] values = new float[parameters.size()][];
    for (int p = 0; p < values.length; p++) {
      values[p] = parameters.get(p).getArray().toFloatArray();
    }
    return values;
  }
}
