package dev.perennial.evaluator.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ContinualMeasuresTest {

  private static final Offset<Double> EXACT = Offset.offset(1e-12);

  @Test
  void measuresOfAHandComputedThreeUpdateMatrix() {
    // tasks: general, t1, t2, t3; rows: base, v1, v2, candidate
    ScoreMatrix r =
        new ScoreMatrix(
            List.of("general", "v1", "v2", "candidate"),
            List.of("base", "v1", "v2", "candidate"),
            new double[][] {
              {0.9, 0.2, 0.1, 0.3},
              {0.8, 0.6, 0.2, Double.NaN},
              {0.7, 0.5, 0.7, 0.4},
              {0.75, 0.55, 0.6, 0.8}
            });

    ContinualMeasures m = ContinualMeasures.of(r);

    // ACC = (0.75 + 0.55 + 0.6 + 0.8) / 4
    assertThat(m.acc()).isCloseTo(0.675, EXACT);
    // BWT = ((0.75 - 0.9) + (0.55 - 0.6) + (0.6 - 0.7)) / 3 = -0.3 / 3
    assertThat(m.bwt()).isCloseTo(-0.1, EXACT);
    // FWT = ((0.2 - 0.2) + (0.2 - 0.1) + (0.4 - 0.3)) / 3
    assertThat(m.fwt()).isCloseTo(0.2 / 3, EXACT);
    // forgetting = ((0.9 - 0.75) + (0.6 - 0.55) + (0.7 - 0.6)) / 3
    assertThat(m.forgetting()).isCloseTo(0.3 / 3, EXACT);
  }

  @Test
  void aFirstUpdateMeasuresAgainstTheBaseAlone() {
    ScoreMatrix r =
        ScoreMatrix.baseOnly("general", 0.95)
            .grow("candidate", "candidate", 0.3, 0.3, new double[] {0.9, 0.6});

    ContinualMeasures m = ContinualMeasures.of(r);

    assertThat(r.get(0, 1)).isEqualTo(0.3);
    assertThat(m.acc()).isCloseTo(0.75, EXACT);
    assertThat(m.bwt()).isCloseTo(-0.05, EXACT);
    assertThat(m.fwt()).isCloseTo(0.0, EXACT);
    assertThat(m.forgetting()).isCloseTo(0.05, EXACT);
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

    ContinualMeasures m = ContinualMeasures.of(r);

    assertThat(m.acc()).isCloseTo((0.85 + 0.7) / 2, EXACT);
    assertThat(m.bwt()).isCloseTo(0.85 - 0.9, EXACT);
    assertThat(m.fwt()).isCloseTo(((0.2 - 0.2) + (0.35 - 0.3)) / 2, EXACT);
    assertThat(m.forgetting()).isCloseTo(0.9 - 0.85, EXACT);
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
}
