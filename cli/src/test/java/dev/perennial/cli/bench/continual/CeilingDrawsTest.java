package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.schemas.v1.ExampleKind;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CeilingDrawsTest {

  private static FeedbackBenchmark.Settings settings(int records) {
    return new FeedbackBenchmark.Settings(
        new UpdateStream.Shape(1, 6, 1, 0, 0),
        5,
        List.of(FeedbackVariant.parse("dpo")),
        List.of(0.3),
        0.1,
        0.25,
        records,
        DeviceChoice.CPU);
  }

  @Test
  void theOwnDrawIsTheBenchsCeilingAndTheOthersAreOtherDraws() {
    CeilingDraws draws = CeilingDraws.of(settings(2), ExampleKind.PREFERENCE, 0.3, 40);

    assertThat(draws.draws()).hasSize(40).isSorted();
    assertThat(draws.own()).isBetween(0.0, 1.0);
    // other draws flip other labels: the ceiling varies between them
    assertThat(draws.quantile(0.95)).isGreaterThan(draws.quantile(0.05));
    assertThat(draws.shareAtOrBelowOwn())
        .isEqualTo(draws.draws().stream().filter(c -> c <= draws.own()).count() / 40.0);
  }

  @Test
  void withoutNoiseEveryDrawHasTheSameCeiling() {
    CeilingDraws draws = CeilingDraws.of(settings(2), ExampleKind.PREFERENCE, 0, 5);

    assertThat(draws.draws()).containsOnly(draws.own());
    assertThat(draws.shareAtOrBelowOwn()).isEqualTo(1.0);
  }

  @Test
  void quantilesAreNearestRanksOfTheSortedDraws() {
    CeilingDraws draws = new CeilingDraws(0.5, List.of(0.9, 0.1, 0.5, 0.7));

    assertThat(draws.draws()).containsExactly(0.1, 0.5, 0.7, 0.9);
    assertThat(draws.quantile(0.05)).isEqualTo(0.1);
    // rank ceil(0.5 * 4) = 2: half the draws are at or below 0.5 (floor(q * n) took the third)
    assertThat(draws.quantile(0.5)).isEqualTo(0.5);
    assertThat(draws.quantile(0.95)).isEqualTo(0.9);
    assertThat(draws.mean()).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(draws.shareAtOrBelowOwn()).isEqualTo(0.5);
  }

  @Test
  void aQuantileIsTheDrawAtRankCeilQTimesN() {
    List<Double> hundred = IntStream.rangeClosed(1, 100).mapToObj(i -> i / 100.0).toList();
    CeilingDraws draws = new CeilingDraws(0.5, hundred);

    assertThat(draws.quantile(0.05)).isEqualTo(0.05);
    assertThat(draws.quantile(0.07)).isEqualTo(0.07);
    assertThat(draws.quantile(0.5)).isEqualTo(0.50);
    assertThat(draws.quantile(0.95)).isEqualTo(0.95);
    assertThat(draws.quantile(0.951)).isEqualTo(0.96);
    assertThat(draws.quantile(0)).isEqualTo(0.01);
    assertThat(draws.quantile(1)).isEqualTo(1.0);
  }
}
