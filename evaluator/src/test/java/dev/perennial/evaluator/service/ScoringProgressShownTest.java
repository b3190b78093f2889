package dev.perennial.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.scoring.ScoringProgress;
import dev.perennial.evaluator.scoring.ScoringStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A batch's progress on the console (a line a tenth) and on the metrics endpoint. */
class ScoringProgressShownTest {

  @Test
  void aBatchShowsALineEachTenthOfItsRowsAndNotOnePerPass() {
    StringWriter out = new StringWriter();
    EvaluationProgress shown = new EvaluationProgress(new PrintWriter(out), ScoringStats::new);

    for (long rows = 25; rows <= 1000; rows += 25) {
      shown.progress(List.of(), new ScoringProgress(rows, 1000, rows / 100.0));
    }
    shown.idle();
    shown.progress(List.of(), new ScoringProgress(500, 1000, 5));

    // 10 % .. 90 % of the first batch (its last rows are told by "scored in"), 50 % of the next
    assertThat(out.toString().lines().toList())
        .hasSize(10)
        .startsWith("  rows 100/1000 (10 %) eta 9 s")
        .endsWith("  rows 500/1000 (50 %) eta 5 s");
  }

  @Test
  void theBatchGaugesShowTheBatchBeingScoredAndGoBackToZeroWhenItEnds() {
    MeterRegistry meters = new SimpleMeterRegistry();
    EvaluatorMetrics metrics = new EvaluatorMetrics(meters, ScoringStats::new, () -> 0);

    metrics.progress(List.of(), new ScoringProgress(300, 1200, 6));

    assertThat(gauge(meters, "perennial.evaluator.batch.rows")).isEqualTo(300);
    assertThat(gauge(meters, "perennial.evaluator.batch.rows.total")).isEqualTo(1200);
    assertThat(gauge(meters, "perennial.evaluator.batch.eta.seconds")).isEqualTo(18);

    metrics.idle();

    assertThat(gauge(meters, "perennial.evaluator.batch.rows")).isZero();
    assertThat(gauge(meters, "perennial.evaluator.batch.rows.total")).isZero();
    assertThat(gauge(meters, "perennial.evaluator.batch.eta.seconds")).isZero();
  }

  private static double gauge(MeterRegistry meters, String name) {
    return meters.get(name).gauge().value();
  }
}
