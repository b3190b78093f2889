package dev.perennial.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.model.ModelException;
import dev.perennial.model.score.MultiAdapterPolicy.Path;
import org.junit.jupiter.api.Test;

class MultiAdapterPolicyTest {

  /** The bytes one adapter merged into the weights would hold, within the policy's budget. */
  private static final long MERGED = 1000;

  private final MultiAdapterPolicy policy = new MultiAdapterPolicy(2, 8, 64, 1000);

  @Test
  void fewRowsPerAdapterAreGatheredManyMergedOneByOneAndTheRestGrouped() {
    assertThat(policy.choose(16, 16, 256, MERGED)).isEqualTo(Path.GATHERED);
    assertThat(policy.choose(16, 32, 256, MERGED)).isEqualTo(Path.GATHERED);
    assertThat(policy.choose(16, 64, 256, MERGED)).isEqualTo(Path.GROUPED);
    assertThat(policy.choose(16, 128, 256, MERGED)).isEqualTo(Path.ONE_BY_ONE);
    assertThat(policy.choose(16, 1024, 1024, MERGED)).isEqualTo(Path.ONE_BY_ONE);
  }

  @Test
  void theDefaultsGatherOneRowPerAdapterAndMergeFromSixteen() {
    MultiAdapterPolicy defaults = MultiAdapterPolicy.defaults();
    assertThat(defaults.choose(16, 16, 256, MERGED)).isEqualTo(Path.GATHERED);
    assertThat(defaults.choose(16, 32, 256, MERGED)).isEqualTo(Path.GROUPED);
    assertThat(defaults.choose(16, 240, 256, MERGED)).isEqualTo(Path.GROUPED);
    assertThat(defaults.choose(16, 256, 256, MERGED)).isEqualTo(Path.ONE_BY_ONE);
    assertThat(defaults.choose(16, 1024, 1024, MERGED)).isEqualTo(Path.ONE_BY_ONE);
  }

  @Test
  void mergingIsSkippedWhenTheMergedWeightsWouldExceedTheBudget() {
    assertThat(policy.choose(16, 128, 256, 1001)).isEqualTo(Path.GROUPED);
    assertThat(policy.choose(16, 16, 256, 1001)).isEqualTo(Path.GATHERED);
    MultiAdapterPolicy defaults = MultiAdapterPolicy.defaults();
    // float32 projection weights of Llama-3.2-1B (3.9 GB) and of the 100M-class shape (340 MB)
    long llama1b = 4L * 16 * (2048 * (2048 + 512 + 512 + 2048) + 3 * 2048 * 8192);
    assertThat(defaults.choose(16, 1024, 1024, llama1b)).isEqualTo(Path.GROUPED);
    long llama100m = 4L * 12 * (4 * 768 * 768 + 3 * 768 * 2048);
    assertThat(defaults.choose(16, 1024, 1024, llama100m)).isEqualTo(Path.ONE_BY_ONE);
  }

  @Test
  void nothingIsGatheredForOneAdapterOrOneRowPerPass() {
    assertThat(policy.choose(1, 1, 8, MERGED)).isEqualTo(Path.GROUPED);
    assertThat(policy.choose(16, 16, 1, MERGED)).isEqualTo(Path.GROUPED);
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
