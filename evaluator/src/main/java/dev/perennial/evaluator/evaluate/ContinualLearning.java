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
import java.util.List;

/**
 * Grows the key's score matrix by the candidate (from the scores the suites already computed: the
 * candidate on the general set, every earlier task and its new task; the base and the incumbent on
 * the new task) and measures ACC, BWT, FWT and forgetting on it.
 */
final class ContinualLearning {

  private ContinualLearning() {}

  /** The candidate's history entry: the grown matrix, its tasks and the lineage's measures. */
  static HistoryEntry entry(
      EvaluationContext context, Results results, boolean passed, Instant at) {
    ModelRef candidate = context.model();
    ScoreMatrix prior =
        context
            .prior()
            .map(HistoryEntry::matrix)
            .orElseGet(
                () ->
                    ScoreMatrix.baseOnly(
                        TaskRef.GENERAL, generalScore(context, results, ModelRef.BASE)));
    List<TaskRef> tasks =
        new ArrayList<>(
            context.prior().map(HistoryEntry::tasks).orElse(List.of(TaskRef.general())));
    double[] row = new double[tasks.size() + 1];
    java.util.Arrays.fill(row, Double.NaN);
    row[0] = generalScore(context, results, candidate);
    for (EarlierTask task : context.earlierTasks()) {
      if (!task.examples().isEmpty()) {
        row[task.column()] =
            Scores.likelihood(results.scores(RetentionSuite.taskScoring(task, candidate)));
      }
    }
    row[tasks.size()] = newTaskScore(context, results, candidate);
    double baseOnTask = newTaskScore(context, results, ModelRef.BASE);
    double previousOnTask =
        context.prior().isPresent() && context.incumbent().isPresent()
            ? newTaskScore(context, results, context.incumbent().get().model())
            : Double.NaN;
    ScoreMatrix matrix =
        prior.grow(HistoryEntry.CANDIDATE, HistoryEntry.CANDIDATE, baseOnTask, previousOnTask, row);
    tasks.add(
        new TaskRef(
            HistoryEntry.CANDIDATE,
            context.candidate().getHeldOutShards().stream().map(ShardRef::getDigest).toList()));
    List<MeasurePoint> lineage =
        new ArrayList<>(context.prior().map(HistoryEntry::lineage).orElse(List.of()));
    lineage.add(new MeasurePoint(HistoryEntry.CANDIDATE, ContinualMeasures.of(matrix)));
    return new HistoryEntry(
        context.candidate().getCandidateId(),
        context.candidate().getLocation(),
        at,
        passed,
        context.incumbent().map(i -> i.version()).orElse(null),
        tasks,
        matrix,
        lineage);
  }

  private static double generalScore(EvaluationContext context, Results results, ModelRef model) {
    return context.general().isEmpty()
        ? Double.NaN
        : Scores.likelihood(results.scores(RetentionSuite.generalScoring(context, model)));
  }

  private static double newTaskScore(EvaluationContext context, Results results, ModelRef model) {
    return context.newTask().isEmpty()
        ? Double.NaN
        : Scores.likelihood(results.scores(LearningSuite.scoring(context, model)));
  }
}
