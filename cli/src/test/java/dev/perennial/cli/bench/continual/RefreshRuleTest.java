package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.Plasticity;
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

  @Test
  void theTrainersMonitorOnACandidateIsKeptWithTheUpdateAsItsLineageRecordsIt() {
    Lineage controlled =
        Lineage.newBuilder()
            .setMethod(LineageMethod.CONTINUED)
            .setRefresh(new AdapterRefreshDetails(0.99, 4, 0.995, "update 5 gained 0.1"))
            .setPlasticity(
                Plasticity.newBuilder()
                    .setUpdate(6)
                    .setLearningGain(0.2)
                    .setControlGain(0.5)
                    .setGainRatio(0.4)
                    .setRefreshDue(true)
                    .setEffectiveRank(3.0)
                    .setWeightNorm(1.0)
                    .setProductNorm(0.5)
                    .setModules(List.of())
                    .build())
            .build();

    assertThat(ContinualBenchmark.monitor(controlled))
        .containsEntry("monitorGain", "0.2000")
        .containsEntry("monitorControlGain", "0.5000")
        .containsEntry("monitorGainRatio", "0.4000")
        .containsEntry("monitorRefreshDue", "true")
        .containsEntry("monitorRefreshed", "freed rank 4, kept energy >= 0.9950");
    Lineage uncontrolled =
        Lineage.newBuilder(controlled)
            .setRefresh(null)
            .setPlasticity(
                Plasticity.newBuilder(controlled.getPlasticity())
                    .setControlGain(null)
                    .setGainRatio(null)
                    .setRefreshDue(false)
                    .build())
            .build();
    assertThat(ContinualBenchmark.monitor(uncontrolled))
        .as("an update without a control: its gain alone")
        .containsOnlyKeys("monitorGain");
  }
}
