package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tiny.TinyModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's objectives against losses computed by hand on small tensors, and a training test: DPO
 * moves the policy towards the chosen answers while the frozen reference stays bit-identical.
 */
class PreferenceLossesTest {

  private static final double TOLERANCE = 1e-5;

  // softplus(x) = ln(1 + e^x): softplus(-1) = 0.3132617, softplus(1) = 1.3132617,
  // softplus(-0.2) = 0.5981389, softplus(0) = ln 2 = 0.6931472

  @Test
  void dpoIsMinusLogSigmoidOfTheScaledMargin() {
    assertThat(losses(PairLoss.DPO, new float[] {0, 10, -10}, 0.1, 0))
        .containsExactly(new float[] {0.6931472f, 0.3132617f, 1.3132617f}, within(1e-5f));
  }

  @Test
  void ipoPullsTheMarginToOneOverTwoBeta() {
    // beta 0.1: the target margin is 5
    assertThat(losses(PairLoss.IPO, new float[] {0, 5, 7}, 0.1, 0))
        .containsExactly(new float[] {25f, 0f, 4f}, within(1e-4f));
  }

  @Test
  void conservativeAndRobustWeighTheFlippedLabelByTheSmoothing() {
    // h 10, beta 0.1, eps 0.2: 0.8 * 0.3132617 + 0.2 * 1.3132617 = 0.5132617
    assertThat(losses(PairLoss.CONSERVATIVE, new float[] {10}, 0.1, 0.2))
        .containsExactly(new float[] {0.5132617f}, within(1e-5f));
    // (0.8 * 0.3132617 - 0.2 * 1.3132617) / 0.6 = -0.0200711
    assertThat(losses(PairLoss.ROBUST, new float[] {10}, 0.1, 0.2))
        .containsExactly(new float[] {-0.0200711f}, within(1e-5f));
    // without smoothing both are DPO
    assertThat(losses(PairLoss.ROBUST, new float[] {10}, 0.1, 0))
        .containsExactly(new float[] {0.3132617f}, within(1e-5f));
  }

  @Test
  void robustIsDpoMinusALinearRewardOnTheMargin() {
    // softplus(x) = softplus(-x) + x: robust = DPO - eps / (1 - 2 eps) * beta * h, at eps 0.3
    // 0.75 beta h, a push on every margin that never saturates
    float[] margins = {-10, 0, 10, 40};
    float[] dpo = losses(PairLoss.DPO, margins, 0.1, 0);
    float[] robust = losses(PairLoss.ROBUST, margins, 0.1, 0.3);
    for (int i = 0; i < margins.length; i++) {
      assertThat(robust[i]).isCloseTo(dpo[i] - 0.75f * 0.1f * margins[i], within(1e-5f));
    }
  }

  @Test
  void settingsOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> losses(PairLoss.DPO, new float[] {1}, 0, 0))
        .hasMessageContaining("beta must be a positive number");
    assertThatThrownBy(() -> losses(PairLoss.ROBUST, new float[] {1}, 0.1, 0.5))
        .hasMessageContaining("label smoothing must be in [0, 0.5)");
  }

  @Test
  void theMarginComparesEachAnswersGainOverTheReference() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // (-3 - -4) - (-5 - -4) = 2
      NDArray margins =
          PreferenceLosses.margins(
              of(manager, -3), of(manager, -5), of(manager, -4), of(manager, -4));
      assertThat(margins.toFloatArray()).containsExactly(2f);
    }
  }

  @Test
  void ktoRewardsDesirableAnswersAboveTheReferencePointAndUndesirableOnesBelow() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // rewards r = policy - reference = [1, -1]; z0 0.5, beta 1:
      // desirable:   1 - sigmoid(0.5) = 1 - 0.6224593 = 0.3775407
      // undesirable: 1.5 (1 - sigmoid(1.5)) = 1.5 (1 - 0.8175745) = 0.2736382
      NDArray losses =
          PreferenceLosses.kto(
              of(manager, -2, -2), of(manager, -3, -1), of(manager, 1, 0), 0.5, 1.0, 1.0, 1.5);
      assertThat(losses.toFloatArray())
          .containsExactly(new float[] {0.3775407f, 0.2736382f}, within(1e-5f));
      // the reference point: the mean log-ratio on mismatched answers, never below 0
      assertThat(PreferenceLosses.referencePoint(of(manager, -1, -2), of(manager, -3, -3)))
          .isCloseTo(1.5, within(TOLERANCE));
      assertThat(PreferenceLosses.referencePoint(of(manager, -4, -4), of(manager, -3, -3)))
          .isZero();
    }
  }

  @Test
  void aCorrectionIsAPairPlusTheCorrectionsMeanTokenLoss() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // margin 2, DPO beta 0.1: softplus(-0.2) = 0.5981389; the correction's log-likelihood -6
      // over 3 tokens: mean token loss 2, weight 1
      NDArray losses =
          PreferenceLosses.correction(
              of(manager, 2), of(manager, -6), of(manager, 3), PairLoss.DPO, 0.1, 0, 1.0);
      assertThat(losses.toFloatArray()).containsExactly(new float[] {2.5981389f}, within(1e-5f));
    }
  }

  @Test
  void aSequencesLogLikelihoodSumsItsCountedTokens() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // position 0: logits [0, 0], target 1: ln 0.5 = -0.6931472
      // position 1: logits [ln 3, 0] (probabilities 0.75, 0.25), target 0: ln 0.75 = -0.2876821
      NDArray logits =
          EngineArrays.of(manager, new float[] {0, 0, (float) Math.log(3), 0}, new Shape(1, 2, 2));
      NDArray targets = EngineArrays.of(manager, new long[] {1, 0}, new Shape(1, 2));
      NDArray both = EngineArrays.of(manager, new float[] {1, 1}, new Shape(1, 2));
      NDArray answerOnly = EngineArrays.of(manager, new float[] {0, 1}, new Shape(1, 2));
      assertThat(PreferenceLosses.sequenceLogLikelihoods(logits, targets, both).toFloatArray())
          .containsExactly(new float[] {-0.9808293f}, within(1e-5f));
      assertThat(
              PreferenceLosses.sequenceLogLikelihoods(logits, targets, answerOnly).toFloatArray())
          .containsExactly(new float[] {-0.2876821f}, within(1e-5f));
    }
  }

  /**
   * The incumbent adapter, frozen, is the reference; the policy continues from the same weights.
   * Twenty DPO steps make the policy prefer the chosen answers over the reference's preference,
   * while every weight of the reference (base and adapter) and its log-likelihoods stay
   * bit-identical.
   */
  @Test
  void dpoMovesThePolicyTowardsTheChosenAnswersAndLeavesTheReferenceBitIdentical() {
    BaseModel base = TinyModel.open();
    LoraWeights incumbent = TestModels.randomLora(base.config(), LoraConfig.defaults(), 7);
    List<TrainingExample> chosen =
        List.of(
            TrainingExample.completion("The fee of the Lumen plan is", " 40 dollars."),
            TrainingExample.completion("The Orbit office opens at", " nine."));
    List<TrainingExample> rejected =
        List.of(
            TrainingExample.completion("The fee of the Lumen plan is", " 25 dollars."),
            TrainingExample.completion("The Orbit office opens at", " noon."));
    try (LanguageModel reference = LanguageModel.load(base, Device.cpu(), incumbent, false);
        LanguageModel policy = LanguageModel.load(base, Device.cpu(), incumbent, true)) {
      Map<String, HostTensor> referenceBase = ModelWeights.read(reference.decoder());
      Map<String, HostTensor> referenceAdapter = reference.loraWeights().peftTensors();
      Batch chosenBatch = batch(reference, chosen);
      Batch rejectedBatch = batch(reference, rejected);
      float[] referenceChosen = logLikelihoods(reference, chosenBatch);
      float[] referenceRejected = logLikelihoods(reference, rejectedBatch);
      assertThat(meanMargin(policy, chosenBatch, rejectedBatch, referenceChosen, referenceRejected))
          .as("the policy starts as the reference")
          .isCloseTo(0, within(1e-4));

      ModelRuntime.seed(1);
      try (ModelRuntime.GradMode off = ModelRuntime.gradModeOff();
          AdamW optimizer =
              new AdamW(
                  policy.trainableParameters(),
                  policy.manager(),
                  TrainingRecipe.BETA1,
                  TrainingRecipe.BETA2,
                  TrainingRecipe.EPSILON,
                  0.0)) {
        for (int step = 0; step < 20; step++) {
          try (NDManager stepManager = policy.manager().newSubManager()) {
            try (NDManager pass = stepManager.newSubManager();
                GradientCollector collector = ModelRuntime.engine().newGradientCollector()) {
              NDArray margins =
                  PreferenceLosses.margins(
                      forward(policy, chosenBatch, pass, true),
                      forward(policy, rejectedBatch, pass, true),
                      EngineArrays.of(pass, referenceChosen),
                      EngineArrays.of(pass, referenceRejected));
              collector.backward(PairLoss.DPO.losses(margins, PairLoss.DEFAULT_BETA, 0).mean());
            }
            optimizer.step(1e-2, 1.0, stepManager);
          }
        }
      }

      assertThat(meanMargin(policy, chosenBatch, rejectedBatch, referenceChosen, referenceRejected))
          .as("the policy's margin over the reference after 20 DPO steps")
          .isGreaterThan(2.0);
      assertThat(ModelWeights.read(reference.decoder())).isEqualTo(referenceBase);
      assertThat(reference.loraWeights().peftTensors()).isEqualTo(referenceAdapter);
      assertThat(logLikelihoods(reference, chosenBatch)).containsExactly(referenceChosen);
      assertThat(logLikelihoods(reference, rejectedBatch)).containsExactly(referenceRejected);
      assertThat(policy.loraWeights().peftTensors()).isNotEqualTo(referenceAdapter);
    }
  }

  private static float[] losses(PairLoss loss, float[] margins, double beta, double smoothing) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      return loss.losses(EngineArrays.of(manager, margins), beta, smoothing).toFloatArray();
    }
  }

  private static NDArray of(NDManager manager, float... values) {
    return EngineArrays.of(manager, values);
  }

  private static Batch batch(LanguageModel model, List<TrainingExample> examples) {
    return Batch.of(
        examples.stream().map(e -> TokenizedExample.of(e, model.tokenizer(), 64)).toList(),
        model.tokenizer().padId());
  }

  private static NDArray forward(
      LanguageModel model, Batch batch, NDManager pass, boolean training) {
    return PreferenceLosses.sequenceLogLikelihoods(
        batch.logits(model, pass, null, training), batch.targets(pass), batch.weights(pass));
  }

  private static float[] logLikelihoods(LanguageModel model, Batch batch) {
    try (ModelRuntime.GradMode off = ModelRuntime.gradModeOff();
        NDManager pass = model.manager().newSubManager()) {
      return forward(model, batch, pass, false).toFloatArray();
    }
  }

  private static double meanMargin(
      LanguageModel policy,
      Batch chosen,
      Batch rejected,
      float[] referenceChosen,
      float[] referenceRejected) {
    float[] policyChosen = logLikelihoods(policy, chosen);
    float[] policyRejected = logLikelihoods(policy, rejected);
    double sum = 0;
    for (int i = 0; i < policyChosen.length; i++) {
      sum += (policyChosen[i] - referenceChosen[i]) - (policyRejected[i] - referenceRejected[i]);
    }
    return sum / policyChosen.length;
  }
}
