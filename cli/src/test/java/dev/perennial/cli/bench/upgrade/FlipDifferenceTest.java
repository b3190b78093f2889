package dev.perennial.cli.bench.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.evaluator.stats.Interval;
import dev.perennial.model.bench.UpgradeBenchmark.FlipPairing;
import dev.perennial.model.bench.UpgradeBenchmark.Method;
import dev.perennial.model.bench.UpgradeBenchmark.Report;
import dev.perennial.model.bench.UpgradeBenchmark.TenantRun;
import dev.perennial.model.bench.UpgradeBenchmark.Transfer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlipDifferenceTest {

  @Test
  void pairsTheFlipsItemByItemInEveryRun() {
    Report report =
        new Report(
            List.of(
                run("acme", Set.of(1, 2, 3), Set.of(2, 7), 40),
                run("globex", Set.of(5), Set.of(5, 6, 8), 30)),
            "",
            "");

    FlipPairing pairing = report.pairing(Method.FINE_TUNED, Method.RETUNED);

    // acme: 2 both, 1 and 3 only fine-tuned, 7 only retuned; globex: 5 both, 6 and 8 retuned only
    assertThat(pairing).isEqualTo(new FlipPairing(2, 2, 3, 70));
    assertThat(pairing.difference()).isCloseTo(-1.0 / 70, within(1e-12));
  }

  @Test
  void theIntervalIsMcNemarsExactOneOnTheItemsThatDiffer() {
    // 8 of the 10 items that differ flipped by the first: Clopper-Pearson [0.44390, 0.97479]
    // (beta quantiles), so the difference is 10 / 100 (2p - 1)
    Interval difference = FlipDifference.of(new FlipPairing(5, 8, 2, 100), 0.95);

    assertThat(difference.estimate()).isCloseTo(0.06, within(1e-12));
    assertThat(difference.lower()).isCloseTo(0.1 * (2 * 0.4439045377 - 1), within(1e-7));
    assertThat(difference.upper()).isCloseTo(0.1 * (2 * 0.9747892737 - 1), within(1e-7));
    assertThat(difference.n()).isEqualTo(100);
  }

  @Test
  void noItemThatDiffersLeavesTheIntervalUndefined() {
    Interval difference = FlipDifference.of(new FlipPairing(4, 0, 0, 50), 0.95);

    assertThat(difference.estimate()).isZero();
    assertThat(difference.isUndefined()).isTrue();
  }

  private static TenantRun run(
      String tenant, Set<Integer> fineTuned, Set<Integer> retuned, int oldRight) {
    return new TenantRun(
        1,
        tenant,
        60,
        0.6,
        1.0,
        Map.of(
            Method.FINE_TUNED, transfer(Method.FINE_TUNED, fineTuned, oldRight),
            Method.RETUNED, transfer(Method.RETUNED, retuned, oldRight)));
  }

  private static Transfer transfer(Method method, Set<Integer> flipped, int oldRight) {
    return new Transfer(method.label(), 0.6, 1.0, 1.0, flipped, oldRight);
  }
}
