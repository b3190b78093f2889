package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.perennial.model.ModelException;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tiny.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed jobs of feedback in the LoRA trainer: the frozen reference (a fresh adapter's is the base
 * with the adapter disabled) is scored once before training, every kind trains, and every row of a
 * step counts by its share of the step's rows.
 */
class FeedbackTrainingTest {

  private static final List<FeedbackExample> FEEDBACK =
      List.of(
          FeedbackExample.preference(
              "The fee of the Lumen plan is", " 40 dollars.", " 25 dollars."),
          FeedbackExample.correction("The Orbit office opens at", " nine.", " noon."),
          FeedbackExample.rating("The Velmora lamp is", " teal.", true),
          FeedbackExample.rating("The Zix lamp is", " red.", false));

  @TempDir Path folder;

  @Test
  void aFreshAdaptersReferenceIsTheBaseWithTheAdapterDisabled() {
    BaseModel base = TinyModel.open();
    List<String> refusals = new ArrayList<>();
    List<TokenizedFeedback> feedback =
        TokenizedFeedback.of(FEEDBACK, base.tokenizer(), 64, refusals);
    LoraWeights fresh = LoraWeights.initialize(base.config(), LoraConfig.defaults(), 3);

    ReferenceLikelihoods withAdapter;
    try (LanguageModel policy = LanguageModel.load(base, Device.cpu(), fresh, true)) {
      withAdapter = ReferenceLikelihoods.compute(policy, feedback, 3, base.tokenizer().padId());
    }
    ReferenceLikelihoods baseAlone;
    try (LanguageModel plain = LanguageModel.load(base, Device.cpu())) {
      baseAlone = ReferenceLikelihoods.compute(plain, feedback, 3, base.tokenizer().padId());
    }

    assertThat(refusals).isEmpty();
    // pairs: chosen and rejected; ratings: the answer and a mismatched row
    assertThat(withAdapter.rows()).isEqualTo(8);
    for (int i = 0; i < FEEDBACK.size(); i++) {
      assertThat(withAdapter.answer(i)).isEqualTo(baseAlone.answer(i)).isNegative();
      assertThat(withAdapter.rejected(i)).isEqualTo(baseAlone.rejected(i));
      assertThat(withAdapter.mismatched(i)).isEqualTo(baseAlone.mismatched(i));
    }
  }

  @Test
  void theReferenceIsScoredOncePerJobHoweverManyStepsItTrains() {
    TrainingResult short_ = train(2, FeedbackObjectives.defaults());
    TrainingResult longer = train(6, FeedbackObjectives.defaults());

    assertThat(short_.steps()).hasSize(2);
    assertThat(longer.steps()).hasSize(6);
    assertThat(short_.referenceRows()).isEqualTo(8);
    assertThat(longer.referenceRows()).isEqualTo(8);
    assertThat(longer.feedbackExamples()).isEqualTo(4);
    assertThat(longer.steps()).allSatisfy(step -> assertThat(step.loss()).isFinite());
  }

  @Test
  void everyPairLossTrainsAMixedJob() {
    for (PairLoss loss : PairLoss.values()) {
      TrainingResult result = train(3, FeedbackObjectives.defaults().withPairLoss(loss));

      assertThat(result.steps())
          .as("%s", loss)
          .allSatisfy(step -> assertThat(step.loss()).isFinite());
    }
  }

  /**
   * A step of three language-model rows and one preference pair, scored by a fresh adapter (the
   * policy is its reference, so the pair's DPO margin is 0 and its loss log 2): each side counts by
   * its share of the step's four rows, so neither a lone pair nor a lone kind outweighs the rest of
   * the batch (its replay, in a real job).
   */
  @Test
  void everyRowOfAStepCountsByItsShareOfTheStepsRows() {
    BaseModel base = TinyModel.open();
    TrainingRecipe recipe =
        TrainingRecipe.loraDefaults().withSteps(1).withBatch(4, 1).withReplayFraction(0);
    List<String> refusals = new ArrayList<>();
    List<TokenizedExample> examples =
        LoraTrainer.tokenize(
            List.of(
                TrainingExample.completion("The Lumen plan costs", " 40 dollars."),
                TrainingExample.completion("The Orbit office opens at", " nine."),
                TrainingExample.text("The Velmora lamp is teal and sells for 30 dollars.")),
            base.tokenizer(),
            64,
            refusals);
    List<TokenizedFeedback> pair =
        TokenizedFeedback.of(List.of(FEEDBACK.get(0)), base.tokenizer(), 64, refusals);
    LoraWeights fresh = LoraWeights.initialize(base.config(), LoraConfig.defaults(), 3);
    FeedbackObjectives pairOnly = weighted(0, 1, 0);
    FeedbackObjectives languageModelOnly = weighted(1, 0, 0);
    FeedbackObjectives pairWithSft = weighted(0, 1, 1);

    try (LanguageModel model = LanguageModel.load(base, Device.cpu(), fresh, true)) {
      int pad = base.tokenizer().padId();
      ReferenceLikelihoods reference = ReferenceLikelihoods.compute(model, pair, 4, pad);
      double lm =
          lossOf(
              TrainingLoop.languageModeling(
                  new ExampleSampler(examples, List.of(), recipe.withBatch(3, 1), pad),
                  null,
                  false),
              model);
      double chosenMeanNll = -reference.answer(0) / pair.get(0).answer().countedTokens();

      assertThat(refusals).isEmpty();
      assertThat(
              lossOf(
                  new FeedbackSteps(
                      examples, List.of(), pair, reference, null, pairOnly, recipe, pad),
                  model))
          .isCloseTo(Math.log(2) / 4, within(1e-5));
      assertThat(
              lossOf(
                  new FeedbackSteps(
                      examples, List.of(), pair, reference, null, languageModelOnly, recipe, pad),
                  model))
          .isCloseTo(lm * 3 / 4, within(1e-5));
      assertThat(
              lossOf(
                  new FeedbackSteps(
                      examples, List.of(), pair, reference, null, pairWithSft, recipe, pad),
                  model))
          .isCloseTo((Math.log(2) + chosenMeanNll) / 4, within(1e-4));
    }
  }

  /**
   * The replay KL anchor alone (every other weight 0), on a step of one pair and three replay rows
   * (one replay example drawn three times) under a policy whose adapter moved (random B, no
   * dropout) against the base as reference: the anchor is the replay example's summed KL divergence
   * per counted token, times its weight, for the replay rows' share of the step's rows (3 of 4).
   * With the policy as its own reference it is 0.
   */
  @Test
  void theReplayKlAnchorCountsLikeTheReplayRowsMeanTokenLoss() {
    BaseModel base = TinyModel.open();
    TrainingRecipe recipe =
        TrainingRecipe.loraDefaults().withSteps(1).withBatch(4, 1).withReplayFraction(0.75);
    List<String> refusals = new ArrayList<>();
    List<TokenizedExample> replay =
        LoraTrainer.tokenize(
            List.of(TrainingExample.completion("The Orbit office opens at", " nine.")),
            base.tokenizer(),
            64,
            refusals);
    List<TokenizedFeedback> pair =
        TokenizedFeedback.of(List.of(FEEDBACK.get(0)), base.tokenizer(), 64, refusals);
    // the default shape has no dropout: the step's training pass is deterministic
    LoraWeights moved =
        LoraWeights.initialize(base.config(), LoraConfig.defaults(), 3).withRandomB(5, 0.05);
    FeedbackObjectives anchorOnly =
        new FeedbackObjectives(PairLoss.DPO, 0.1, 0.1, 0.1, 1, 1, 0, 1, 0, 0, 0, 0, 2.0, 0);
    int pad = base.tokenizer().padId();

    try (LanguageModel policy = LanguageModel.load(base, Device.cpu(), moved, true);
        LanguageModel reference = LanguageModel.load(base, Device.cpu());
        NDManager manager = policy.manager().newSubManager()) {
      ReferenceLikelihoods likelihoods = ReferenceLikelihoods.compute(reference, pair, 4, pad);
      Batch row = Batch.of(replay, pad);
      double divergence =
          CausalLmLoss.weightedKl(
                  row.logits(policy, manager, null, false),
                  row.logits(reference, manager, null, false),
                  row.weights(manager))
              .getFloat();

      assertThat(refusals).isEmpty();
      assertThat(divergence).isPositive();
      assertThat(
              lossOf(
                  new FeedbackSteps(
                      List.of(), replay, pair, likelihoods, reference, anchorOnly, recipe, pad),
                  policy))
          .isCloseTo(2.0 * divergence / row.countedTokens() * 3 / 4, within(1e-6));
      assertThat(
              lossOf(
                  new FeedbackSteps(
                      List.of(), replay, pair, likelihoods, policy, anchorOnly, recipe, pad),
                  policy))
          .isCloseTo(0, within(1e-6));
      assertThatThrownBy(
              () ->
                  new FeedbackSteps(
                      List.of(), replay, pair, likelihoods, null, anchorOnly, recipe, pad))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("frozen reference");
    }
  }

  @Test
  void aRatingHasNoRejectedAnswerAndAPairNeedsOne() {
    assertThatThrownBy(() -> new FeedbackExample(FeedbackExample.Kind.RATING, "p", "a", "b", true))
        .isInstanceOf(ModelException.class);
    assertThatThrownBy(() -> FeedbackExample.preference("p", "a", null))
        .isInstanceOf(ModelException.class);
  }

  /** DPO at beta 0.1 with the language-model rows', the pairs' and the pairs' RPO weights. */
  private static FeedbackObjectives weighted(
      double languageModel, double preference, double preferenceSft) {
    return new FeedbackObjectives(
        PairLoss.DPO, 0.1, 0.1, 0.1, 1, 1, preferenceSft, 1, languageModel, preference, 1, 1, 0, 0);
  }

  private static double lossOf(StepSource source, LanguageModel model) {
    try (NDManager step = model.manager().newSubManager()) {
      return source.forwardBackward(model, step).loss();
    }
  }

  private TrainingResult train(int steps, FeedbackObjectives objectives) {
    BaseModel base = TinyModel.open();
    TrainingRecipe recipe =
        TrainingRecipe.loraDefaults().withSteps(steps).withBatch(4, 1).withReplayFraction(0);
    List<TrainingExample> sft =
        List.of(TrainingExample.completion("The Lumen plan costs", " 40 dollars."));
    return LoraTrainer.run(
        LoraTrainingRequest.fresh(
                base,
                sft,
                List.of(),
                LoraConfig.defaults(),
                recipe,
                folder.resolve("adapter-" + steps + "-" + objectives.pairLoss()))
            .withFeedback(FEEDBACK, objectives),
        StepListener.NONE);
  }
}
