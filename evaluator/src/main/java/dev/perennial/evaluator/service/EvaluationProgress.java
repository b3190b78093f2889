package dev.perennial.evaluator.service;

import dev.perennial.evaluator.evaluate.CandidateRequest;
import dev.perennial.evaluator.evaluate.Evaluation;
import dev.perennial.evaluator.evaluate.EvaluationListener;
import dev.perennial.evaluator.scoring.ScoringProgress;
import dev.perennial.evaluator.scoring.ScoringStats;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.verdict.Outcomes;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation's progress for people: on a console when one is given ({@code perennial local}),
 * else in the log. One line when a batch starts, one each time a tenth more of its rows is done
 * (with the time left at the rate so far), one when its passes are done, one per verdict.
 */
final class EvaluationProgress implements EvaluationListener {

  private static final Logger log = LoggerFactory.getLogger(EvaluationProgress.class);

  private final PrintWriter console;
  private final Supplier<ScoringStats> stats;
  private long tenthsShown;

  EvaluationProgress(PrintWriter console, Supplier<ScoringStats> stats) {
    this.console = console;
    this.stats = stats;
  }

  @Override
  public void scoring(List<CandidateRequest> batch, int workloads, long rows) {
    say(
        String.format(
            Locale.ROOT,
            "Evaluating %d candidate(s) %s: %d workloads, %d rows",
            batch.size(),
            batch.stream()
                .map(
                    r ->
                        r.candidate().getAdapterKey()
                            + r.stable().map(s -> " vs v" + s.version()).orElse(" (first)"))
                .collect(Collectors.joining(", ", "[", "]")),
            workloads,
            rows));
  }

  @Override
  public void progress(List<CandidateRequest> batch, ScoringProgress progress) {
    long tenths = progress.totalRows() > 0 ? progress.rows() * 10 / progress.totalRows() : 10;
    if (tenths > tenthsShown && progress.rows() < progress.totalRows()) {
      say(line(progress));
    }
    tenthsShown = Math.max(tenthsShown, tenths);
  }

  @Override
  public void idle() {
    tenthsShown = 0;
  }

  /** {@code rows 480/1200 (40 %) eta 12 s}. */
  static String line(ScoringProgress progress) {
    return String.format(
        Locale.ROOT,
        "  rows %d/%d (%d %%) eta %.0f s",
        progress.rows(),
        progress.totalRows(),
        progress.rows() * 100 / progress.totalRows(),
        progress.etaSeconds());
  }

  @Override
  public void scored(List<CandidateRequest> batch, double seconds) {
    say(String.format(Locale.ROOT, "  scored in %.1f s (so far: %s)", seconds, stats.get()));
  }

  @Override
  public void evaluated(Evaluation evaluation) {
    String gates =
        evaluation.gates().stream()
            .map(
                gate ->
                    String.format(
                        Locale.ROOT,
                        "%s %.3g %s",
                        gate.getName(),
                        gate.getValue(),
                        label(Outcomes.of(gate))))
            .collect(Collectors.joining(", "));
    say(
        String.format(
            Locale.ROOT,
            "  %s %s %s: %s%s%n    report %s",
            evaluation.outcome(),
            evaluation.candidate().getAdapterKey(),
            evaluation.candidate().getCandidateId(),
            gates,
            evaluation.passed() ? "" : "; " + evaluation.reason(),
            evaluation.report().htmlFile()));
  }

  private static String label(EvaluationOutcome outcome) {
    return switch (outcome) {
      case PASSED -> "ok";
      case INSUFFICIENT_EVIDENCE -> "undecided";
      default -> "FAILED";
    };
  }

  private void say(String line) {
    if (console != null) {
      console.println(line);
      console.flush();
    } else {
      log.info("{}", line);
    }
  }
}
