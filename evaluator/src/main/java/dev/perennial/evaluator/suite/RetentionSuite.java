package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.model.score.ExampleScore;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention: did the candidate keep what was known? The base model's general evaluation set (exact
 * match of greedy answers and loss, against the base and the incumbent), and the key's earlier
 * held-out examples (loss against the incumbent). Forgetting is how much worse than the incumbent
 * (the base for a key's first candidate) the candidate does. The regression gates compare these
 * with the incumbent under a tolerance.
 *
 * <p>Metrics: {@code retention.general.questions}, {@code retention.general.exact.match} and {@code
 * retention.general.loss} (each with {@code .base}, {@code .incumbent}), {@code
 * retention.general.forgetting} (exact match lost), {@code retention.tenant.examples}, {@code
 * retention.tenant.loss} (with {@code .incumbent}), {@code retention.tenant.forgetting} (relative
 * loss increase).
 */
public final class RetentionSuite implements Suite {

  public static final String NAME = "retention";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Workload> workloads(EvaluationContext context) {
    List<Workload> workloads = new ArrayList<>();
    for (ModelRef model : context.comparedModels()) {
      workloads.add(generalScoring(context, model));
      workloads.add(generalAnswering(context, model));
    }
    List<ModelRef> tenantModels = new ArrayList<>();
    tenantModels.add(context.model());
    context.incumbent().ifPresent(incumbent -> tenantModels.add(incumbent.model()));
    for (EarlierTask task : context.earlierTasks()) {
      for (ModelRef model : tenantModels) {
        workloads.add(taskScoring(task, model));
      }
    }
    return workloads;
  }

  /** The general set scored by {@code model}. */
  public static Workload generalScoring(EvaluationContext context, ModelRef model) {
    return Workload.score(model, context.generalDataset(), context.general());
  }

  /** The general set's questions answered by {@code model}. */
  public static Workload generalAnswering(EvaluationContext context, ModelRef model) {
    return Workload.answer(model, context.generalDataset() + ":qa", context.generalQuestions());
  }

  /** An earlier task scored by {@code model}. */
  public static Workload taskScoring(EarlierTask task, ModelRef model) {
    return Workload.score(model, task.dataset(), task.examples());
  }

  @Override
  public void measure(EvaluationContext context, Results results, Measurements into) {
    List<EvalExample> questions = context.generalQuestions();
    into.put("retention.general.questions", questions.size());
    if (!context.general().isEmpty()) {
      into.compare(
          "retention.general.loss",
          loss(results, generalScoring(context, context.model())),
          context
              .incumbent()
              .map(i -> loss(results, generalScoring(context, i.model())))
              .orElse(Double.NaN),
          loss(results, generalScoring(context, ModelRef.BASE)),
          false);
    }
    if (!questions.isEmpty()) {
      double match = match(context, results, context.model());
      double baseMatch = match(context, results, ModelRef.BASE);
      double incumbentMatch =
          context.incumbent().map(i -> match(context, results, i.model())).orElse(Double.NaN);
      into.compare("retention.general.exact.match", match, incumbentMatch, baseMatch, true);
      double reference = Double.isNaN(incumbentMatch) ? baseMatch : incumbentMatch;
      into.put("retention.general.forgetting", reference - match);
    }
    List<EvalExample> earlier = context.earlierExamples();
    into.put("retention.tenant.examples", earlier.size());
    if (!earlier.isEmpty()) {
      double loss = tenantLoss(context, results, context.model());
      double incumbentLoss =
          context.incumbent().map(i -> tenantLoss(context, results, i.model())).orElse(Double.NaN);
      into.compare("retention.tenant.loss", loss, incumbentLoss, Double.NaN, false);
      if (!Double.isNaN(incumbentLoss)) {
        into.put("retention.tenant.forgetting", -Scores.relativeReduction(incumbentLoss, loss));
      }
    }
  }

  private static double match(EvaluationContext context, Results results, ModelRef model) {
    return Scores.exactMatch(
        context.generalQuestions(), results.answers(generalAnswering(context, model)));
  }

  private static double loss(Results results, Workload workload) {
    return Scores.meanLoss(results.scores(workload));
  }

  /** The loss over every earlier task's examples together (token-weighted). */
  private static double tenantLoss(EvaluationContext context, Results results, ModelRef model) {
    List<ExampleScore> all = new ArrayList<>();
    for (EarlierTask task : context.earlierTasks()) {
      all.addAll(results.scores(taskScoring(task, model)));
    }
    return Scores.meanLoss(all);
  }
}
