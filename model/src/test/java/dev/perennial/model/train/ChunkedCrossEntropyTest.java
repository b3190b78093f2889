package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.tokenizer.ByteTokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18: the loss and log-probabilities computed over chunks of the counted positions equal
 * those of the full logits within 1e-5, tied and untied heads, chunks of a few positions each.
 */
class ChunkedCrossEntropyTest {

  private final ByteTokenizer tokenizer = new ByteTokenizer();
  private final List<TrainingExample> examples = MixedRows.EXAMPLES;

  private Batch batch() {
    return Batch.of(MixedRows.tokenized(tokenizer, 64), tokenizer.padId());
  }

  @ParameterizedTest(name = "tied embeddings: {0}")
  @ValueSource(booleans = {true, false})
  void chunkedLogProbabilitiesAndScoresEqualThoseOfTheFullLogits(boolean tied) {
    LlamaConfig config = TestModels.tinyLlama(tied);
    Map<String, HostTensor> weights = TestModels.randomWeights(config, 5);
    Batch batch = batch();
    try (LanguageModel model =
            TestModels.model(
                config, weights, TestModels.randomLora(config, LoraConfig.defaults(), 3));
        NDManager pass = model.manager().newSubManager()) {
      NDArray full =
          CausalLmLoss.tokenLosses(batch.logits(model, pass, null, false), batch.targets(pass))
              .neg()
              .flatten();
      float[] expected =
          full.get(
                  new ai.djl.ndarray.index.NDIndex(
                      "{}", EngineArrays.of(pass, batch.countedPositions())))
              .toFloatArray();
      NDArray head = model.decoder().outputWeight(model.parameterStore(), model.device(), false);

      float[] chunked =
          ChunkedCrossEntropy.targetLogProbabilities(
                  batch.countedHiddenStates(model, pass, null, false),
                  head,
                  EngineArrays.of(pass, batch.countedTargets()),
                  7)
              .toFloatArray();

      assertThat(chunked).hasSize(batch.countedTokens());
      for (int i = 0; i < expected.length; i++) {
        assertThat(chunked[i]).isCloseTo(expected[i], within(1e-5f));
      }
      try (NDManager scoring = model.manager().newSubManager()) {
        ChunkedCrossEntropy.targetLogProbabilities(
            batch.countedHiddenStates(model, scoring, null, false),
            head,
            EngineArrays.of(scoring, batch.countedTargets()),
            7);
        // each chunk's logits are freed with the chunk and each layer's intermediates (the MLP's
        // [rows, width, intermediate]) with the layer, not held until the pass ends
        assertThat(scoring.getManagedArrays())
            .noneMatch(
                a ->
                    a.getShape().dimension() > 1
                        && (a.getShape().tail() == config.vocabSize()
                            || a.getShape().tail() == config.intermediateSize()));
      }
      float[] sequences =
          PreferenceLosses.sequenceLogLikelihoods(
                  batch.logits(model, pass, null, false), batch.targets(pass), batch.weights(pass))
              .toFloatArray();
      List<ExampleScore> scores = Scorer.score(model, examples, 3, 64);
      for (int r = 0; r < examples.size(); r++) {
        assertThat(scores.get(r).logLikelihood()).isCloseTo(sequences[r], within(1e-4));
        assertThat(scores.get(r).logLikelihood() / scores.get(r).tokens())
            .isCloseTo(sequences[r] / scores.get(r).tokens(), within(1e-5));
      }
    }
  }

  @ParameterizedTest(name = "tied embeddings: {0}")
  @ValueSource(booleans = {true, false})
  void chunkedLossAndLoraGradientsEqualThoseOfTheFullLogits(boolean tied) {
    LlamaConfig config = TestModels.tinyLlama(tied);
    Map<String, HostTensor> weights = TestModels.randomWeights(config, 6);
    Batch batch = batch();
    int counted = batch.countedTokens();
    try (LanguageModel model =
            TestModels.model(
                config, weights, TestModels.randomLora(config, LoraConfig.defaults(), 4));
        NDManager step = model.manager().newSubManager();
        ModelRuntime.GradMode off = ModelRuntime.gradModeOff()) {
      List<Parameter> trainable = model.trainableParameters();
      float fullLoss;
      try (NDManager pass = step.newSubManager();
          GradientCollector collector = ModelRuntime.engine().newGradientCollector()) {
        NDArray summed =
            CausalLmLoss.weightedSum(
                batch.logits(model, pass, null, true), batch.targets(pass), batch.weights(pass));
        collector.backward(summed.div(EngineArrays.scalar(pass, counted)));
        fullLoss = summed.getFloat();
      }
      AccumulatedGradients gradients = new AccumulatedGradients(trainable);

      double chunkedLoss = TrainingLoop.chunkedForwardBackward(model, batch, counted, step, 5);

      assertThat(chunkedLoss / counted).isCloseTo(fullLoss / counted, within(1e-5));
      // the chunked pass added its gradient to the full pass's
      gradients.assertSecondPassAddedTheSame(1e-5f);
    }
  }
}
