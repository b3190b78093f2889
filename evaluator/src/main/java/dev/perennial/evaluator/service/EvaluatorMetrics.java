package dev.perennial.evaluator.service;

import dev.perennial.evaluator.evaluate.CandidateRequest;
import dev.perennial.evaluator.evaluate.EvaluationListener;
import dev.perennial.evaluator.scoring.ScoringProgress;
import dev.perennial.evaluator.scoring.ScoringStats;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The evaluator's meters: {@code perennial_evaluator_verdicts_total{outcome}}, {@code
 * perennial_evaluator_gate_failures_total{gate}}, {@code perennial_evaluator_batch_seconds}, {@code
 * perennial_evaluator_batch_candidates}, {@code perennial_evaluator_candidates_waiting}, {@code
 * perennial_evaluator_scored_rows_total{pass}} (base, shared, single, cached), {@code
 * perennial_evaluator_unreadable_records_total}, {@code
 * perennial_evaluator_unwritable_verdicts_total} and the batch being scored: {@code
 * perennial_evaluator_batch_rows}, {@code ..._batch_rows_total} (rows done of the batch's rows, as
 * its passes finish) and {@code ..._batch_eta_seconds} (0 when no batch is being scored).
 */
final class EvaluatorMetrics implements EvaluationListener {

  private final MeterRegistry meters;
  private final Timer batchTime;
  private final DistributionSummary batchSize;
  private final Counter unreadable;
  private final Counter unwritable;
  private final AtomicReference<ScoringProgress> scoring = new AtomicReference<>();

  EvaluatorMetrics(MeterRegistry meters, Supplier<ScoringStats> stats, Supplier<Integer> waiting) {
    this.meters = meters;
    this.batchTime =
        Timer.builder("perennial.evaluator.batch")
            .description("Time to score a batch of candidates")
            .register(meters);
    this.batchSize =
        DistributionSummary.builder("perennial.evaluator.batch.candidates")
            .description("Candidates evaluated together")
            .register(meters);
    this.unreadable =
        Counter.builder("perennial.evaluator.unreadable.records")
            .description("candidates.v1 records that could not be read and were skipped")
            .register(meters);
    this.unwritable =
        Counter.builder("perennial.evaluator.unwritable.verdicts")
            .description("Verdicts Kafka refused (too large); their candidates were skipped")
            .register(meters);
    Gauge.builder("perennial.evaluator.candidates.waiting", () -> waiting.get())
        .description("Candidates read and waiting for evaluation")
        .register(meters);
    Gauge.builder("perennial.evaluator.batch.rows", scoring, s -> value(s, ScoringProgress::rows))
        .description("Rows done of the batch being scored (0 when idle)")
        .register(meters);
    Gauge.builder(
            "perennial.evaluator.batch.rows.total",
            scoring,
            s -> value(s, ScoringProgress::totalRows))
        .description("Rows of the batch being scored")
        .register(meters);
    Gauge.builder(
            "perennial.evaluator.batch.eta.seconds",
            scoring,
            s -> value(s, ScoringProgress::etaSeconds))
        .description("Estimated seconds until the batch being scored is scored")
        .register(meters);
    rows(stats, "base", ScoringStats::baseRows);
    rows(stats, "shared", ScoringStats::sharedRows);
    rows(stats, "single", ScoringStats::singleRows);
    rows(stats, "cached", ScoringStats::cachedRows);
  }

  private void rows(Supplier<ScoringStats> stats, String pass, ToDoubleFunction<ScoringStats> f) {
    FunctionCounter.builder("perennial.evaluator.scored.rows", stats, s -> f.applyAsDouble(s.get()))
        .description("Rows scored or answered, by kind of pass (cached: reused)")
        .tag("pass", pass)
        .register(meters);
  }

  private static double value(
      AtomicReference<ScoringProgress> scoring, ToDoubleFunction<ScoringProgress> f) {
    ScoringProgress progress = scoring.get();
    return progress == null ? 0 : f.applyAsDouble(progress);
  }

  @Override
  public void progress(List<CandidateRequest> batch, ScoringProgress progress) {
    scoring.set(progress);
  }

  /** No batch is being scored: the batch gauges go back to 0. */
  @Override
  public void idle() {
    scoring.set(null);
  }

  @Override
  public void scored(List<CandidateRequest> batch, double seconds) {
    batchTime.record(Duration.ofNanos((long) (seconds * 1e9)));
    batchSize.record(batch.size());
  }

  /** Counts a committed verdict (a re-evaluated candidate is counted once per commit). */
  void committed(EvaluationVerdict verdict) {
    Counter.builder("perennial.evaluator.verdicts")
        .description("Committed verdicts by outcome")
        .tag("outcome", Outcomes.of(verdict).name().toLowerCase(Locale.ROOT))
        .register(meters)
        .increment();
    for (Gate gate : verdict.getGates()) {
      if (Outcomes.of(gate) != EvaluationOutcome.FAILED) {
        continue;
      }
      Counter.builder("perennial.evaluator.gate.failures")
          .description("Failed gates by name")
          .tag("gate", gate.getName())
          .register(meters)
          .increment();
    }
  }

  void unreadable() {
    unreadable.increment();
  }

  void unwritable() {
    unwritable.increment();
  }
}
