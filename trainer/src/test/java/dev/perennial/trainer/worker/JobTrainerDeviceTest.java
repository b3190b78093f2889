package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.ModelException;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device a worker is configured with is one it can have, known when the worker is built. */
class JobTrainerDeviceTest {

  @TempDir Path folder;

  /**
   * perennial.trainer.worker.device=gpu on a node whose engine sees no GPU (no driver, no GPU
   * requested for the pod): the worker must fail at start, not start, report ready and fail every
   * job it takes (each tried worker.job.attempts times, then skipped without a candidate).
   */
  @Test
  void aTrainerAskedForAGpuTheEngineCannotSeeFailsWhenItIsBuilt() {
    assumeTrue(ModelRuntime.engine().getGpuCount() == 0, "the engine sees a GPU here");
    TrainerConfig config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());

    assertThatThrownBy(() -> JobTrainer.from(config, store, DeviceChoice.GPU))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("device gpu was requested but the PyTorch engine sees no GPU");
  }
}
