package dev.perennial.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.train.Batch;
import dev.perennial.model.train.ChunkedCrossEntropy;
import dev.perennial.model.train.TokenizedExample;
import dev.perennial.model.train.TrainingExample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a frozen base whose projection weights are held in float16 changes per-token
 * log-probabilities by less than {@link #TOLERANCE} against float32.
 */
class BasePrecisionTest {

  /** Nats per token. */
  static final double TOLERANCE = 1e-2;

  private final ByteTokenizer tokenizer = new ByteTokenizer();
  private final LlamaConfig config = TestModels.tinyLlama(false);
  private final Map<String, HostTensor> weights = TestModels.randomWeights(config, 11);
  private final LoraWeights lora = TestModels.randomLora(config, LoraConfig.defaults(), 12);

  @Test
  void float16ProjectionWeightsChangeTokenLogProbabilitiesByLessThanTheTolerance() {
    Batch batch =
        Batch.of(
            List.of(
                TokenizedExample.of(
                    TrainingExample.text("the quick brown fox jumps over the lazy dog"),
                    tokenizer,
                    64),
                TokenizedExample.of(
                    TrainingExample.completion("Q: what colour is the sky?\nA:", " blue"),
                    tokenizer,
                    64)),
            tokenizer.padId());

    float[] full = logProbabilities(BasePrecision.FLOAT32, batch);
    float[] half = logProbabilities(BasePrecision.FLOAT16, batch);

    double largest = 0;
    for (int i = 0; i < full.length; i++) {
      largest = Math.max(largest, Math.abs(half[i] - full[i]));
    }
    assertThat(largest).isLessThan(TOLERANCE);
    // the weights were rounded: a test that would pass with float32 on both sides proves nothing
    assertThat(largest).isGreaterThan(0);
  }

  @Test
  void aTrainableBaseIsNotHeldInFloat16() {
    assertThatThrownBy(
            () ->
                LanguageModel.fromWeights(
                    config,
                    tokenizer,
                    weights,
                    Device.cpu(),
                    true,
                    null,
                    "full",
                    BasePrecision.FLOAT16))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("for frozen bases");
  }

  private float[] logProbabilities(BasePrecision precision, Batch batch) {
    try (LanguageModel model =
            LanguageModel.fromWeights(
                config, tokenizer, weights, Device.cpu(), false, lora, "test", precision);
        NDManager pass = model.manager().newSubManager()) {
      DataType held =
          model.decoder().projection(0, TargetModule.UP).base().weight().getArray().getDataType();
      assertThat(held)
          .isEqualTo(precision == BasePrecision.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT16);
      return ChunkedCrossEntropy.targetLogProbabilities(
              batch.countedHiddenStates(model, pass, null, false),
              model.decoder().outputWeight(model.parameterStore(), model.device(), false),
              EngineArrays.of(pass, batch.countedTargets()),
              64)
          .toFloatArray();
    }
  }
}
