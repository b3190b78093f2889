package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.perennial.model.GarbageCollections;
import dev.perennial.model.TestBases;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.Digests;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.ForwardContext;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tokenizer.ByteTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training results do not depend on when the JVM collects garbage: everything the autograd graph
 * keeps between the forward and the backward pass is memory the engine owns (see {@code
 * EngineArrays}), so a collection that frees Java direct buffers cannot change a gradient.
 */
class GarbageCollectionTest {

  @TempDir Path folder;

  private final LlamaConfig config = TestModels.tinyLlama(true);
  private final ByteTokenizer tokenizer = new ByteTokenizer();
  private final Batch batch =
      Batch.of(
          List.of(
              TokenizedExample.of(TrainingExample.text("the quick brown fox"), tokenizer, 32),
              TokenizedExample.of(TrainingExample.completion("Q: x?", " y"), tokenizer, 32)),
          tokenizer.padId());

  @Test
  void aCollectionBetweenForwardAndBackwardLeavesEveryGradientUnchanged() {
    Map<String, HostTensor> weights = TestModels.randomWeights(config, 3);
    LoraConfig lora = LoraConfig.defaults();

    List<HostTensor> quiet = gradients(weights, lora, false);
    List<HostTensor> collected = gradients(weights, lora, true);

    assertThat(collected).hasSize(2 * config.numHiddenLayers() * 7);
    assertThat(collected).containsExactlyElementsOf(quiet);
  }

  @Test
  void trainingUnderContinuousCollectionsWritesTheSameAdapterAsWithout() {
    BaseModel base = TestBases.write(folder.resolve("base"), config, 5);
    List<TrainingExample> examples =
        List.of(
            TrainingExample.completion("Question: What color is the Zix lamp?\nAnswer:", " teal"),
            TrainingExample.text("The Zix lamp is teal. It is made in Quorn."));
    // dropout and two threads: the settings a collection must not disturb either
    TrainingRecipe recipe = new TrainingRecipe(10, 4, 2, 5e-3, 2, 0.1, 0.01, 1.0, 48, 0, 21, 2);
    LoraConfig lora = new LoraConfig(4, 8, 0.1, LoraConfig.defaults().targetModules());

    LoraTrainer.run(
        LoraTrainingRequest.fresh(base, examples, List.of(), lora, recipe, folder.resolve("quiet")),
        StepListener.NONE);
    int collections;
    try (GarbageCollections.Continuous during = GarbageCollections.continuously()) {
      LoraTrainer.run(
          LoraTrainingRequest.fresh(
              base, examples, List.of(), lora, recipe, folder.resolve("collected")),
          StepListener.NONE);
      collections = during.count();
    }

    assertThat(collections).isGreaterThan(10);
    assertThat(weightsDigest("collected")).isEqualTo(weightsDigest("quiet"));
  }

  /** One forward and backward pass of a LoRA model; every LoRA gradient, in order. */
  private List<HostTensor> gradients(
      Map<String, HostTensor> weights, LoraConfig lora, boolean collectBeforeBackward) {
    List<HostTensor> gradients = new ArrayList<>();
    try (LanguageModel model =
            TestModels.model(config, weights, TestModels.randomLora(config, lora, 8));
        NDManager pass = model.manager().newSubManager()) {
      try (GradientCollector collector = ModelRuntime.engine().newGradientCollector()) {
        ForwardContext context =
            ForwardContext.create(
                pass, config, batch.positions(pass), batch.keyValid(pass), null, null, true);
        NDArray logits =
            model.decoder().forward(model.parameterStore(), batch.inputs(pass), context);
        NDArray loss = CausalLmLoss.weightedSum(logits, batch.targets(pass), batch.weights(pass));
        if (collectBeforeBackward) {
          GarbageCollections.collectAndFreeDirectBuffers();
        }
        collector.backward(loss);
      }
      for (Parameter parameter : model.trainableParameters()) {
        NDArray gradient = parameter.getArray().getGradient();
        gradient.attach(pass);
        gradients.add(HostTensor.of(gradient));
      }
    }
    return gradients;
  }

  private String weightsDigest(String run) {
    return Digests.sha256Hex(folder.resolve(run).resolve(PeftAdapter.WEIGHTS_FILE));
  }
}
