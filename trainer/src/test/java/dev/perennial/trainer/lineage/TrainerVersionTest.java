package dev.perennial.trainer.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import dev.perennial.model.runtime.ModelRuntime;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TrainerVersionTest {

  private static final String COMMIT = "9723ce2c0ffee0123456789abcdef0123456789a";

  @Test
  void theVersionNamesTheSourceAndTheDjlAndPyTorchThatTrained() {
    // the project version alone is the same for every snapshot build, and the engine's kernels
    // decide the weights' last bits: a rebuild must be able to tell other code and another engine
    // apart
    assertThat(TrainerVersion.get())
        .startsWith("perennial-trainer ")
        .containsPattern(
            "\\(source ([0-9a-f]{40}( with uncommitted changes)?|[0-9a-f]{7,40}|unknown), ")
        .contains("DJL " + Engine.getDjlVersion())
        .contains("PyTorch " + ModelRuntime.engine().getVersion());
  }

  @Test
  void aBuildInAGitCheckoutNamesItsCommitAndSaysWhenTheTreeHadChanges() {
    assertThat(TrainerVersion.describe(build("0.1.0-SNAPSHOT", COMMIT, "false", "")))
        .isEqualTo("perennial-trainer 0.1.0-SNAPSHOT (source " + COMMIT);
    assertThat(TrainerVersion.describe(build("0.1.0-SNAPSHOT", COMMIT, "true", "")))
        .isEqualTo(
            "perennial-trainer 0.1.0-SNAPSHOT (source " + COMMIT + " with uncommitted changes");
  }

  @Test
  void aBuildOutsideACheckoutNamesTheDeclaredCommitOrSaysItIsUnknown() {
    // resource filtering leaves an expression it could not fill as it is
    assertThat(
            TrainerVersion.describe(
                build("0.1.0", "${git.commit.id}", "${git.dirty}", "9723ce2c0ffe")))
        .isEqualTo("perennial-trainer 0.1.0 (source 9723ce2c0ffe");
    assertThat(
            TrainerVersion.describe(
                build("0.1.0", "${git.commit.id}", "${git.dirty}", "${perennial.source.revision}")))
        .isEqualTo("perennial-trainer 0.1.0 (source unknown");
    assertThat(TrainerVersion.describe(new Properties()))
        .isEqualTo("perennial-trainer unknown (source unknown");
  }

  private static Properties build(String version, String commit, String dirty, String declared) {
    Properties properties = new Properties();
    properties.setProperty("version", version);
    properties.setProperty("source.commit", commit);
    properties.setProperty("source.dirty", dirty);
    properties.setProperty("source.declared", declared);
    return properties;
  }
}
