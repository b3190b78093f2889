package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
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
 * with the adapter disabled) is scored once before training, and every kind trains.
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

  @Test
  void aRatingHasNoRejectedAnswerAndAPairNeedsOne() {
    assertThatThrownBy(() -> new FeedbackExample(FeedbackExample.Kind.RATING, "p", "a", "b", true))
        .isInstanceOf(ModelException.class);
    assertThatThrownBy(() -> FeedbackExample.preference("p", "a", null))
        .isInstanceOf(ModelException.class);
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
