package dev.perennial.cli.local;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.verdict.Outcomes;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How long each candidate waited and how long it was worked on, from the timestamps its records
 * carry: the trainer's queue from the job's {@code createdAt} (sealed) to the worker taking it up
 * (the candidate's {@code createdAt} less its {@code totalMillis}), its work the {@code
 * totalMillis}; the evaluator's queue from the candidate's {@code createdAt} to the verdict's
 * {@code evaluationStartedAt}, its work from there to {@code evaluatedAt}.
 *
 * @param evaluatorQueued empty for a verdict written before {@code evaluationStartedAt} existed
 */
public record CandidateTimes(
    String adapterKey,
    String candidateId,
    String outcome,
    Duration trainerQueued,
    Duration trainerWorked,
    Optional<Duration> evaluatorQueued,
    Optional<Duration> evaluatorWorked) {

  /**
   * One row per verdict whose job is among {@code jobs}, in the verdicts' order.
   *
   * @param jobs the training jobs (training-jobs.v1)
   */
  public static List<CandidateTimes> of(List<EvaluationVerdict> verdicts, List<TrainingJob> jobs) {
    Map<String, TrainingJob> jobById =
        jobs.stream()
            .collect(Collectors.toMap(TrainingJob::getJobId, Function.identity(), (a, b) -> a));
    List<CandidateTimes> rows = new ArrayList<>();
    for (EvaluationVerdict verdict : verdicts) {
      AdapterCandidate candidate = verdict.getCandidate();
      TrainingJob job = jobById.get(candidate.getJobId());
      if (job == null) {
        continue;
      }
      Instant trainingStarted = candidate.getCreatedAt().minusMillis(candidate.getTotalMillis());
      Optional<Instant> evaluationStarted = Optional.ofNullable(verdict.getEvaluationStartedAt());
      rows.add(
          new CandidateTimes(
              candidate.getAdapterKey(),
              candidate.getCandidateId(),
              Outcomes.of(verdict).name(),
              Duration.between(job.getCreatedAt(), trainingStarted),
              Duration.ofMillis(candidate.getTotalMillis()),
              evaluationStarted.map(started -> Duration.between(candidate.getCreatedAt(), started)),
              evaluationStarted.map(
                  started -> Duration.between(started, verdict.getEvaluatedAt()))));
    }
    return rows;
  }

  /** Everything queued: the trainer's and the evaluator's. */
  public Duration queued() {
    return trainerQueued.plus(evaluatorQueued.orElse(Duration.ZERO));
  }

  /** Everything worked: the trainer's and the evaluator's. */
  public Duration worked() {
    return trainerWorked.plus(evaluatorWorked.orElse(Duration.ZERO));
  }

  /** Prints the rows and their means under a heading. */
  public static void print(List<CandidateTimes> rows, PrintWriter out) {
    out.printf(
        "Queued vs worked  per candidate, seconds (trainer: sealed to taken up, then working;"
            + " evaluator: candidate to taken up, then working)%n");
    for (CandidateTimes row : rows) {
      out.printf(
          Locale.ROOT,
          "  %-22s %-22s trainer %6.1f queued %6.1f worked, evaluator %s queued %s worked%n",
          row.adapterKey(),
          row.outcome(),
          seconds(row.trainerQueued()),
          seconds(row.trainerWorked()),
          seconds(row.evaluatorQueued()),
          seconds(row.evaluatorWorked()));
    }
    if (!rows.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "  mean of %d: %.1f s queued, %.1f s worked%n",
          rows.size(),
          rows.stream().mapToDouble(row -> seconds(row.queued())).average().orElseThrow(),
          rows.stream().mapToDouble(row -> seconds(row.worked())).average().orElseThrow());
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static String seconds(Optional<Duration> duration) {
    return duration.map(d -> String.format(Locale.ROOT, "%6.1f", seconds(d))).orElse("     -");
  }
}
