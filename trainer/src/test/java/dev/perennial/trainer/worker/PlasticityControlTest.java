package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.StoppingRule;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.plasticity.GainProbe;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plasticity monitor's control on the test base, with the real trainer, on CPU. */
class PlasticityControlTest {

  @TempDir Path folder;

  @Test
  void aControlWhoseTrainingDivergesMeasuresNoGainRatherThanFailTheJob() {
    TrainerConfig config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    JobRecipe recipe = JobRecipe.from(config);
    BaseModelSource base = BaseModelSource.open(config);
    List<TrainingExample> examples = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      examples.add(TrainingExample.text("The Zix lamp number " + i + " is teal."));
    }
    // an absurd rate: the control's first update leaves the finite range, and the training loop
    // stops it as diverged after five skipped steps in a row
    LoraTrainingRequest candidate =
        LoraTrainingRequest.startingFrom(
            null,
            recipe.freshLora(),
            base.base(),
            examples,
            List.of(),
            recipe.modelRecipe(8).withLearningRate(1e38),
            folder.resolve("adapter"));
    GainProbe probe =
        GainProbe.of(
            base.base(),
            ModelRuntime.device(DeviceChoice.CPU),
            examples,
            examples.size(),
            recipe.model().maxSequenceLength());

    Double gain =
        JobTrainer.controlGain(
            "acme/support@2-d1v",
            DeviceChoice.CPU,
            candidate,
            folder.resolve("control"),
            recipe.freshLora(),
            StoppingRule.NEVER,
            probe,
            StepListener.NONE);

    assertThat(gain).as("the control is a measurement, not the job's product").isNull();
  }
}
