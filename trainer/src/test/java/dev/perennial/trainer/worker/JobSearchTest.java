package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.schemas.v1.RecipeTrial;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.plasticity.GainProbe;
import dev.perennial.trainer.search.Dimension;
import dev.perennial.trainer.search.SearchSettings;
import dev.perennial.trainer.search.WarmStart;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's recipe search on the test base, with the real trainer, on CPU. */
class JobSearchTest {

  @TempDir Path folder;

  @Test
  void aVariantWhoseTrainingDivergesIsRecordedAsALostTrialAndTheSearchGoesOn() {
    TrainerConfig config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    JobRecipe recipe = JobRecipe.from(config);
    BaseModelSource base = BaseModelSource.open(config);
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      examples.add(TrainingExample.text("The Zix lamp number " + i + " is teal."));
    }
    double configuredRate = recipe.model().learningRate();
    // the real trainer, with a rate x2 made absurd: its first update leaves the finite range, and
    // the training loop stops it as diverged after five skipped steps in a row
    JobSearch.Requests requests =
        (variant, steps, into) ->
            LoraTrainingRequest.startingFrom(
                null,
                variant.freshLora(),
                base.base(),
                examples,
                List.of(),
                variant.model().learningRate() > configuredRate
                    ? variant.modelRecipe(steps).withLearningRate(1e38)
                    : variant.modelRecipe(steps),
                into);
    GainProbe gain =
        GainProbe.of(
            base.base(),
            ModelRuntime.device(DeviceChoice.CPU),
            examples,
            examples.size(),
            recipe.model().maxSequenceLength());
    GainProbe noReplay =
        GainProbe.of(
            base.base(),
            ModelRuntime.device(DeviceChoice.CPU),
            List.of(),
            0,
            recipe.model().maxSequenceLength());

    JobSearch.Outcome outcome =
        JobSearch.run(
            "acme/support@2-d1v",
            new SearchSettings(true, 8, 2.75, List.of(Dimension.LEARNING_RATE), 1),
            recipe,
            new WarmStart.Centre(recipe.point(), WarmStart.Origin.CONFIGURED),
            Dimension.LEARNING_RATE,
            r -> 40,
            requests,
            null,
            SearchSettings.RankedOn.OWN_EXAMPLES,
            gain,
            noReplay,
            folder.resolve("search"),
            new JobSteps(StepListener.NONE),
            candidateSteps -> 0);

    assertThat(outcome.record().getWinner()).isIn("centre", "learning-rate x0.5");
    assertThat(outcome.record().getTrials())
        .filteredOn(t -> t.getVariant().equals("learning-rate x2"))
        .singleElement()
        .satisfies(t -> assertThat(t.getGatesPassed()).isFalse())
        .satisfies(t -> assertThat(t.getLearningGain()).isNaN())
        .satisfies(t -> assertThat(t.getDroppedInRound()).isZero());
    assertThat(outcome.record().getTrials())
        .extracting(RecipeTrial::getVariant)
        .as("the other two go on to round 1")
        .containsExactly(
            "centre", "learning-rate x0.5", "learning-rate x2", "centre", "learning-rate x0.5");
  }
}
