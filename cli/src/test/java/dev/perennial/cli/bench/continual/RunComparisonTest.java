package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.PerennialException;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.evaluator.stats.PairedBootstrap;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RunComparisonTest {

  private static final Offset<Double> EXACT = Offset.offset(1e-12);
  private static final PairedBootstrap BOOTSTRAP = new PairedBootstrap(0.95, 1000);
  private static final StoredRun.Stream SEED_1 = new StoredRun.Stream(1, 3, "bench");
  private static final List<String> TASKS = List.of("general", "t1", "t2");
  private static final List<String> ROWS = List.of("base", "u1", "u2");

  @Test
  void theDifferencesAreTheCandidatesMeansMinusTheBaselinesTaskByTask() {
    StoredRun baseline =
        run(SEED_1, new double[][] {{1.0, 0.0, 0.0}, {0.9, 0.8, 0.1}, {0.8, 0.6, 0.9}});
    StoredRun candidate =
        run(SEED_1, new double[][] {{1.0, 0.0, 0.0}, {0.9, 0.8, 0.1}, {0.9, 0.7, 0.9}});

    List<RunComparison.Line> lines =
        RunComparison.compare(List.of(candidate), List.of(baseline), 2, BOOTSTRAP, 1);

    RunComparison.Line acc = lines.get(0);
    assertThat(acc.measure()).isEqualTo("ACC");
    // final scores 0.9, 0.7, 0.9 against 0.8, 0.6, 0.9
    assertThat(acc.difference().estimate()).isCloseTo(0.2 / 3, EXACT);
    RunComparison.Line forgetting = lines.get(3);
    assertThat(forgetting.measure()).isEqualTo("forget");
    // best minus final on tasks 0 and 1: (0.1 + 0.1) / 2 against (0.2 + 0.2) / 2
    assertThat(forgetting.candidate()).isCloseTo(0.1, EXACT);
    assertThat(forgetting.baseline()).isCloseTo(0.2, EXACT);
    assertThat(forgetting.difference().estimate()).isCloseTo(-0.1, EXACT);
    assertThat(forgetting.difference().n()).isEqualTo(2);
    // every task forgot exactly 0.1 less: no draw can say otherwise
    assertThat(forgetting.difference().lower()).isCloseTo(-0.1, EXACT);
    assertThat(forgetting.difference().upper()).isCloseTo(-0.1, EXACT);

    List<RunComparison.Line> afterFirst =
        RunComparison.compare(List.of(candidate), List.of(baseline), 1, BOOTSTRAP, 1);
    assertThat(afterFirst.get(0).difference().estimate()).isZero();
  }

  @Test
  void runsOfDifferentStreamsAreNotPaired() {
    double[][] values = {{1.0, 0.0, 0.0}, {0.9, 0.8, 0.1}, {0.8, 0.6, 0.9}};
    StoredRun seed1 = run(SEED_1, values);
    StoredRun seed2 = run(new StoredRun.Stream(2, 3, "bench"), values);

    assertThatThrownBy(() -> RunComparison.compare(List.of(seed1), List.of(seed2), 2, BOOTSTRAP, 1))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining("different streams");
    assertThatThrownBy(() -> RunComparison.compare(List.of(seed1), List.of(seed1), 3, BOOTSTRAP, 1))
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining("has 2 updates, not 3");
  }

  private static StoredRun run(StoredRun.Stream stream, double[][] values) {
    ScoreMatrix r = new ScoreMatrix(TASKS, ROWS, values);
    return new StoredRun("production", "tenant1", stream, true, r, r);
  }
}
