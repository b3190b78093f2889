package dev.perennial.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.model.ModelException;
import dev.perennial.model.score.MultiAdapterPolicy.Path;
import org.junit.jupiter.api.Test;

class MultiAdapterPolicyTest {

  private final MultiAdapterPolicy policy = new MultiAdapterPolicy(2, 8, 64);

  @Test
  void fewRowsPerAdapterAreGatheredManyMergedOneByOneAndTheRestGrouped() {
    assertThat(policy.choose(16, 16, 256)).isEqualTo(Path.GATHERED);
    assertThat(policy.choose(16, 32, 256)).isEqualTo(Path.GATHERED);
    assertThat(policy.choose(16, 64, 256)).isEqualTo(Path.GROUPED);
    assertThat(policy.choose(16, 128, 256)).isEqualTo(Path.ONE_BY_ONE);
    assertThat(policy.choose(16, 1024, 1024)).isEqualTo(Path.ONE_BY_ONE);
  }

  @Test
  void theDefaultsGatherOneRowPerAdapterAndMergeFromSixteen() {
    MultiAdapterPolicy defaults = MultiAdapterPolicy.defaults();
    assertThat(defaults.choose(16, 16, 256)).isEqualTo(Path.GATHERED);
    assertThat(defaults.choose(16, 32, 256)).isEqualTo(Path.GROUPED);
    assertThat(defaults.choose(16, 240, 256)).isEqualTo(Path.GROUPED);
    assertThat(defaults.choose(16, 256, 256)).isEqualTo(Path.ONE_BY_ONE);
    assertThat(defaults.choose(16, 1024, 1024)).isEqualTo(Path.ONE_BY_ONE);
  }

  @Test
  void nothingIsGatheredForOneAdapterOrOneRowPerPass() {
    assertThat(policy.choose(1, 1, 8)).isEqualTo(Path.GROUPED);
    assertThat(policy.choose(16, 16, 1)).isEqualTo(Path.GROUPED);
  }

  @Test
  void passesAreCappedAtMaxBatchRows() {
    assertThat(policy.batchRows(1024)).isEqualTo(64);
    assertThat(policy.batchRows(8)).isEqualTo(8);
  }

  @Test
  void pathsParseFromTheirLabelsAndAnUnknownOneIsRefusedByName() {
    for (Path path : Path.values()) {
      assertThat(Path.parse(path.label())).isEqualTo(path);
    }
    assertThatThrownBy(() -> Path.parse("merged"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("merged");
  }
}
