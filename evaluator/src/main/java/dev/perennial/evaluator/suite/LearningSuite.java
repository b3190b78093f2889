package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * Learning: did the candidate learn its new data? Its loss on the held-out examples of its shards
 * (which it never trained on) against the base's and the incumbent's, and exact match of its greedy
 * answers to their short-answer questions.
 *
 * <p>Metrics: {@code learning.examples}, {@code learning.questions}, {@code learning.loss} (with
 * {@code .base}, {@code .incumbent}), {@code learning.gain} (relative loss reduction against the
 * base), {@code learning.gain.incumbent}, {@code learning.exact.match} (with {@code .base}, {@code
 * .incumbent}).
 */
public final class LearningSuite implements Suite {

  public static final String NAME = "learning";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Workload> workloads(EvaluationContext context) {
    List<Workload> workloads = new ArrayList<>();
    for (ModelRef model : context.comparedModels()) {
      workloads.add(scoring(context, model));
      workloads.add(answering(context, model));
    }
    return workloads;
  }

  /** The new task scored by {@code model}. */
  public static Workload scoring(EvaluationContext context, ModelRef model) {
    return Workload.score(model, context.newTaskDataset(), context.newTask());
  }

  private static Workload answering(EvaluationContext context, ModelRef model) {
    return Workload.answer(model, context.newTaskDataset() + ":qa", context.newQuestions());
  }

  @Override
  public void measure(EvaluationContext context, Results results, Measurements into) {
    List<EvalExample> questions = context.newQuestions();
    into.put("learning.examples", context.newTask().size());
    into.put("learning.questions", questions.size());
    double loss = Scores.meanLoss(results.scores(scoring(context, context.model())));
    double baseLoss = Scores.meanLoss(results.scores(scoring(context, ModelRef.BASE)));
    double incumbentLoss =
        context
            .incumbent()
            .map(i -> Scores.meanLoss(results.scores(scoring(context, i.model()))))
            .orElse(Double.NaN);
    into.compare("learning.loss", loss, incumbentLoss, baseLoss, false);
    into.put("learning.gain", Scores.relativeReduction(baseLoss, loss));
    if (context.incumbent().isPresent()) {
      into.put("learning.gain.incumbent", Scores.relativeReduction(incumbentLoss, loss));
    }
    if (!questions.isEmpty()) {
      double match =
          Scores.exactMatch(questions, results.answers(answering(context, context.model())));
      double baseMatch =
          Scores.exactMatch(questions, results.answers(answering(context, ModelRef.BASE)));
      double incumbentMatch =
          context
              .incumbent()
              .map(
                  i -> Scores.exactMatch(questions, results.answers(answering(context, i.model()))))
              .orElse(Double.NaN);
      into.compare("learning.exact.match", match, incumbentMatch, baseMatch, true);
    }
  }
}
