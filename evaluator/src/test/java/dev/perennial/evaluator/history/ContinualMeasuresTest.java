package dev.perennial.evaluator.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ContinualMeasuresTest {

  private static final Offset<Double> EXACT = Offset.offset(1e-12);

  /** Tasks general, t1, t2, t3; rows base, v1, v2, candidate; t3 unmeasured after v1. */
  private static ScoreMatrix threeUpdates() {
    return new ScoreMatrix(
        List.of("general", "v1", "v2", "candidate"),
        List.of("base", "v1", "v2", "candidate"),
        new double[][] {
          {0.9, 0.2, 0.1, 0.3},
          {0.8, 0.6, 0.2, Double.NaN},
          {0.7, 0.5, 0.7, 0.4},
          {0.75, 0.55, 0.6, 0.8}
        });
  }

  @Test
  void measuresOfAHandComputedThreeUpdateMatrix() {
    ScoreMatrix r = threeUpdates();

    assertMeasures(
        r,
        // ACC = (0.75 + 0.55 + 0.6 + 0.8) / 4
        0.675,
        // BWT = ((0.75 - 0.9) + (0.55 - 0.6) + (0.6 - 0.7)) / 3 = -0.3 / 3
        -0.1,
        // FWT = ((0.2 - 0.2) + (0.2 - 0.1) + (0.4 - 0.3)) / 3
        0.2 / 3,
        // forgetting = ((0.9 - 0.75) + (0.6 - 0.55) + (0.7 - 0.6)) / 3
        0.3 / 3);
  }

  @Test
  void perTaskTermsAreWhatTheMeasuresAverage() {
    ScoreMatrix r = threeUpdates();

    ContinualMeasures.PerTask tasks = ContinualMeasures.perTask(r);

    assertThat(tasks.finalScore()).containsExactly(new double[] {0.75, 0.55, 0.6, 0.8}, EXACT);
    // R[T][j] - R[j][j]
    assertThat(tasks.backward()).containsExactly(new double[] {-0.15, -0.05, -0.1}, EXACT);
    // best of rows 0..T-1 minus final: 0.9, 0.6 and 0.7 were each task's best
    assertThat(tasks.forgetting()).containsExactly(new double[] {0.15, 0.05, 0.1}, EXACT);
  }

  @Test
  void aFirstUpdateMeasuresAgainstTheBaseAlone() {
    ScoreMatrix r =
        ScoreMatrix.baseOnly("general", 0.95)
            .grow("candidate", "candidate", 0.3, 0.3, new double[] {0.9, 0.6});

    assertThat(r.get(0, 1)).isEqualTo(0.3);
    assertMeasures(r, 0.75, -0.05, 0.0, 0.05);
  }

  @Test
  void unmeasuredScoresAreLeftOutOfEveryMean() {
    // the erased task v1 cannot be measured any more
    ScoreMatrix r =
        new ScoreMatrix(
            List.of("general", "v1", "candidate"),
            List.of("base", "v1", "candidate"),
            new double[][] {
              {0.9, 0.2, 0.3},
              {0.8, 0.6, 0.35},
              {0.85, Double.NaN, 0.7}
            });

    assertMeasures(r, (0.85 + 0.7) / 2, 0.85 - 0.9, ((0.2 - 0.2) + (0.35 - 0.3)) / 2, 0.9 - 0.85);
  }

  @Test
  void growingAMatrixFillsTheNewColumnOnlyForTheBaseAndThePreviousUpdate() {
    ScoreMatrix r =
        new ScoreMatrix(
            List.of("general", "v1", "v2"),
            List.of("base", "v1", "v2"),
            new double[][] {{0.9, 0.2, 0.1}, {0.8, 0.6, 0.2}, {0.7, 0.5, 0.7}});

    ScoreMatrix grown =
        r.grow("candidate", "candidate", 0.3, 0.4, new double[] {0.75, 0.55, 0.6, 0.8});

    assertThat(grown.tasks()).containsExactly("general", "v1", "v2", "candidate");
    assertThat(grown.rows()).containsExactly("base", "v1", "v2", "candidate");
    assertThat(grown.get(0, 3)).isEqualTo(0.3);
    assertThat(grown.get(1, 3)).isNaN();
    assertThat(grown.get(2, 3)).isEqualTo(0.4);
    assertThat(grown.withLastRowLabel("v3").rows()).endsWith("v3");
  }

  /** {@code r}'s ACC, BWT, FWT and forgetting are these. */
  private static void assertMeasures(
      ScoreMatrix r, double acc, double bwt, double fwt, double forgetting) {
    ContinualMeasures m = ContinualMeasures.of(r);
    assertThat(m.acc()).as("ACC").isCloseTo(acc, EXACT);
    assertThat(m.bwt()).as("BWT").isCloseTo(bwt, EXACT);
    assertThat(m.fwt()).as("FWT").isCloseTo(fwt, EXACT);
    assertThat(m.forgetting()).as("forgetting").isCloseTo(forgetting, EXACT);
  }
}
