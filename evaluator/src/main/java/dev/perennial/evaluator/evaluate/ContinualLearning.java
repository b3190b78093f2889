package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.history.HistoryEntry;
import dev.perennial.evaluator.history.MeasurePoint;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.evaluator.history.TaskRef;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.suite.EarlierTask;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.suite.Scores;
import dev.perennial.schemas.v1.ShardRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Grows the key's score matrices by the candidate, from the scores the suites already computed (the
 * candidate on the general set, every earlier task and its new task; the base and the incumbent on
 * the new task), and measures ACC, BWT, FWT and forgetting on them: by exact match of greedy
 * answers (what the report leads with) and by per-token likelihood.
 */
final class ContinualLearning {

  private ContinualLearning() {}

  /** How a model scores a task: exact match, or likelihood. */
  private interface TaskScores {
    double general(ModelRef model);

    double newTask(ModelRef model);

    double earlier(EarlierTask task, ModelRef model);
  }

  /** The candidate's history entry: the grown matrices, their tasks and the lineage's measures. */
  static HistoryEntry entry(
      EvaluationContext context, Results results, boolean passed, Instant at) {
    ScoreMatrix matrix =
        grow(context, context.prior().map(HistoryEntry::matrix), match(context, results));
    ScoreMatrix likelihood =
        grow(context, context.prior().map(HistoryEntry::likelihood), likelihood(context, results));
    List<TaskRef> tasks =
        new ArrayList<>(
            context.prior().map(HistoryEntry::tasks).orElse(List.of(TaskRef.general())));
    tasks.add(
        new TaskRef(
            HistoryEntry.CANDIDATE,
            context.candidate().getHeldOutShards().stream().map(ShardRef::getDigest).toList()));
    List<MeasurePoint> lineage =
        new ArrayList<>(context.prior().map(HistoryEntry::lineage).orElse(List.of()));
    lineage.add(
        new MeasurePoint(
            HistoryEntry.CANDIDATE,
            ContinualMeasures.of(matrix),
            ContinualMeasures.of(likelihood)));
    return new HistoryEntry(
        context.candidate().getCandidateId(),
        context.candidate().getLocation(),
        at,
        passed,
        context.incumbent().map(i -> i.version()).orElse(null),
        tasks,
        matrix,
        likelihood,
        lineage);
  }

  private static ScoreMatrix grow(
      EvaluationContext context, java.util.Optional<ScoreMatrix> priorMatrix, TaskScores scores) {
    ModelRef candidate = context.model();
    ScoreMatrix prior =
        priorMatrix.orElseGet(
            () -> ScoreMatrix.baseOnly(TaskRef.GENERAL, scores.general(ModelRef.BASE)));
    double[] row = new double[prior.tasks().size() + 1];
    Arrays.fill(row, Double.NaN);
    row[0] = scores.general(candidate);
    for (EarlierTask task : context.earlierTasks()) {
      row[task.column()] = scores.earlier(task, candidate);
    }
    row[prior.tasks().size()] = scores.newTask(candidate);
    double previousOnTask =
        context.prior().isPresent() && context.incumbent().isPresent()
            ? scores.newTask(context.incumbent().get().model())
            : Double.NaN;
    return prior.grow(
        HistoryEntry.CANDIDATE,
        HistoryEntry.CANDIDATE,
        scores.newTask(ModelRef.BASE),
        previousOnTask,
        row);
  }

  /** Exact match of greedy answers; NaN for a task without short-answer questions. */
  private static TaskScores match(EvaluationContext context, Results results) {
    return new TaskScores() {
      @Override
      public double general(ModelRef model) {
        return Scores.exactMatch(
            context.generalQuestions(),
            results.answers(RetentionSuite.generalAnswering(context, model)));
      }

      @Override
      public double newTask(ModelRef model) {
        return Scores.exactMatch(
            context.newQuestions(), results.answers(LearningSuite.answering(context, model)));
      }

      @Override
      public double earlier(EarlierTask task, ModelRef model) {
        return Scores.exactMatch(
            task.questions(), results.answers(RetentionSuite.taskAnswering(task, model)));
      }
    };
  }

  /** Per-token likelihood {@code exp(-mean loss)}; NaN for a task without examples. */
  private static TaskScores likelihood(EvaluationContext context, Results results) {
    return new TaskScores() {
      @Override
      public double general(ModelRef model) {
        return context.general().isEmpty()
            ? Double.NaN
            : Scores.likelihood(results.scores(RetentionSuite.generalScoring(context, model)));
      }

      @Override
      public double newTask(ModelRef model) {
        return context.newTask().isEmpty()
            ? Double.NaN
            : Scores.likelihood(results.scores(LearningSuite.scoring(context, model)));
      }

      @Override
      public double earlier(EarlierTask task, ModelRef model) {
        return task.examples().isEmpty()
            ? Double.NaN
            : Scores.likelihood(results.scores(RetentionSuite.taskScoring(task, model)));
      }
    };
  }
}
