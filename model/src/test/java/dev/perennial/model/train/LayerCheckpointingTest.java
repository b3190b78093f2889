package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tokenizer.ByteTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: per-layer activation checkpointing gives the LoRA gradients, and so the adapter after
 * training steps, of the pass that keeps every layer's activations, within 1e-5.
 */
class LayerCheckpointingTest {

  /** Three layers, so one layer has a recomputed layer both above and below it. */
  private static final LlamaConfig CONFIG =
      LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 3, 4, 2, 128, true)
          .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS);

  private final ByteTokenizer tokenizer = new ByteTokenizer();

  @Test
  void checkpointedLossAndLoraGradientsEqualThoseOfThePassKeepingActivations() {
    Map<String, HostTensor> weights = TestModels.randomWeights(CONFIG, 6);
    Batch batch = Batch.of(tokenized(), tokenizer.padId());
    int counted = batch.countedTokens();
    try (LanguageModel model =
            TestModels.model(
                CONFIG, weights, TestModels.randomLora(CONFIG, LoraConfig.defaults(), 4));
        NDManager step = model.manager().newSubManager();
        ModelRuntime.GradMode off = ModelRuntime.gradModeOff()) {
      List<Parameter> trainable = model.trainableParameters();
      double kept = TrainingLoop.chunkedForwardBackward(model, batch, counted, step, 5);
      AccumulatedGradients gradients = new AccumulatedGradients(trainable);

      double checkpointed = LayerCheckpointing.forwardBackward(model, batch, counted, step, 5);

      assertThat(checkpointed).isCloseTo(kept, within(1e-5 * counted));
      // the checkpointed pass added its gradient to the first pass's
      gradients.assertSecondPassAddedTheSame(1e-5f);
    }
  }

  @Test
  void trainingWithLayerCheckpointingEndsWithTheSameAdapter() {
    TrainingRecipe recipe =
        new TrainingRecipe(2, 4, 2, 1e-2, 0, 1, 0, 1, 64, 0, 7, 1).withLayerCheckpointing(false);
    List<float[]> kept = trainedAdapter(recipe);
    List<float[]> checkpointed = trainedAdapter(recipe.withLayerCheckpointing(true));

    for (int p = 0; p < kept.size(); p++) {
      for (int i = 0; i < kept.get(p).length; i++) {
        assertThat(checkpointed.get(p)[i]).isCloseTo(kept.get(p)[i], within(1e-5f));
      }
    }
  }

  @Test
  void aRecipeWithLayerCheckpointingRefusesToTrainTheHead() {
    TrainingRecipe recipe =
        new TrainingRecipe(1, 4, 1, 1e-2, 0, 1, 0, 1, 64, 0, 7, 1).withLayerCheckpointing(true);
    try (LanguageModel model = TestModels.trainable(CONFIG, tokenizer, null, "full")) {
      ExampleSampler sampler =
          new ExampleSampler(tokenized(), List.of(), recipe, tokenizer.padId());

      assertThatThrownBy(() -> TrainingLoop.run(model, sampler, recipe, StepListener.NONE))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("layer checkpointing needs a frozen LM head");
    }
  }

  private List<float[]> trainedAdapter(TrainingRecipe recipe) {
    try (LanguageModel model =
        TestModels.model(
            CONFIG,
            TestModels.randomWeights(CONFIG, 8),
            TestModels.randomLora(CONFIG, LoraConfig.defaults(), 9))) {
      ExampleSampler sampler =
          new ExampleSampler(tokenized(), List.of(), recipe, tokenizer.padId());
      TrainingLoop.run(model, sampler, recipe, StepListener.NONE);
      List<float[]> values = new ArrayList<>();
      model.trainableParameters().forEach(p -> values.add(p.getArray().toFloatArray()));
      return values;
    }
  }

  private List<TokenizedExample> tokenized() {
    return MixedRows.tokenized(tokenizer, 64);
  }
}
