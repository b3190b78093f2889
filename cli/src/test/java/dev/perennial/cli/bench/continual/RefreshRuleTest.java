package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RefreshRuleTest {

  /** R[i][j] rows of exact match on task j after update i (task 0 the general set). */
  private static List<Row> rows(double[]... em) {
    return java.util.stream.IntStream.range(0, em.length)
        .mapToObj(i -> Row.probesOnly(i, em[i], em[i], em[i], 0))
        .toList();
  }

  @Test
  void theRefreshVariantRefreshesWhenTheLastGainFallsBelowNinetyPercentOfTheFirst() {
    List<Row> rows =
        rows(
            new double[] {1, 0.1, 0.0, 0},
            new double[] {1, 1.0, 0.0, 0}, // first gain 0.9
            new double[] {1, 1.0, 0.8, 0}); // second gain 0.8 < 0.81

    assertThat(ContinualBenchmark.refreshDue(Variant.REFRESH, rows, 3)).isTrue();
    assertThat(ContinualBenchmark.refreshDue(Variant.PRODUCTION, rows, 3)).isFalse();
    assertThat(ContinualBenchmark.refreshDue(Variant.REFRESH, rows.subList(0, 2), 2)).isFalse();
  }

  @Test
  void aGainThatHoldsNeedsNoRefresh() {
    List<Row> rows =
        rows(
            new double[] {1, 0.1, 0.0, 0},
            new double[] {1, 1.0, 0.0, 0},
            new double[] {1, 1.0, 0.9, 0}); // second gain 0.9 >= 0.81

    assertThat(ContinualBenchmark.refreshDue(Variant.REFRESH, rows, 3)).isFalse();
  }
}
