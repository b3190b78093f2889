package dev.perennial.trainer.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import dev.perennial.model.runtime.ModelRuntime;
import org.junit.jupiter.api.Test;

class TrainerVersionTest {

  @Test
  void theVersionNamesTheDjlAndPyTorchThatTrained() {
    // the project version alone is the same for every snapshot build, and the engine's kernels
    // decide the weights' last bits: a rebuild must be able to tell another engine apart
    assertThat(TrainerVersion.get())
        .startsWith("perennial-trainer ")
        .contains("DJL " + Engine.getDjlVersion())
        .contains("PyTorch " + ModelRuntime.engine().getVersion());
  }
}
