package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.stats.PairedItems;
import dev.perennial.model.score.ExampleScore;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention: did the candidate keep what was known? The base model's general evaluation set (exact
 * match of greedy answers and loss, against the base and the incumbent, question by question), and
 * the earlier examples of the key's held-out pool (loss against the incumbent, example by example).
 * Forgetting is how much worse than the incumbent (the base for a key's first candidate) the
 * candidate does. It also answers the questions of the key's earlier tasks, for the exact-match
 * score matrix.
 *
 * <p>Metrics: {@code retention.general.questions}, {@code retention.general.exact.match} and {@code
 * retention.general.loss} (each with {@code .base}, {@code .incumbent}), {@code
 * retention.general.forgetting} (exact match lost), {@code retention.tenant.examples}, {@code
 * retention.tenant.loss} (with {@code .incumbent}), {@code retention.tenant.forgetting} (relative
 * loss increase).
 */
public final class RetentionSuite implements Suite {

  public static final String NAME = "retention";

  /** Paired items: each general question answered right (1) or not (0), candidate vs base. */
  public static final String GENERAL_VS_BASE = "general exact match, candidate vs base";

  /** Paired items: the same, candidate vs incumbent. */
  public static final String GENERAL_VS_INCUMBENT = "general exact match, candidate vs incumbent";

  /** Paired items: each earlier pool example's loss, candidate vs incumbent. */
  public static final String EARLIER_VS_INCUMBENT = "earlier pool loss, candidate vs incumbent";

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
    workloads.add(LearningSuite.earlierScoring(context, context.model()));
    context
        .incumbent()
        .ifPresent(i -> workloads.add(LearningSuite.earlierScoring(context, i.model())));
    for (EarlierTask task : context.earlierTasks()) {
      workloads.add(taskScoring(task, context.model()));
      workloads.add(taskAnswering(task, context.model()));
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

  /** An earlier task's questions answered by {@code model}. */
  public static Workload taskAnswering(EarlierTask task, ModelRef model) {
    return Workload.answer(model, task.dataset() + ":qa", task.questions());
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
      measureGeneralMatch(context, results, into);
    } else if (!context.general().isEmpty()) {
      // a general set without a question exact match judges has no items: its gates are
      // undecided, never left out as for a base without a general set
      PairedItems none = new PairedItems(new double[0], new double[0]);
      into.putPaired(GENERAL_VS_BASE, none);
      context.incumbent().ifPresent(i -> into.putPaired(GENERAL_VS_INCUMBENT, none));
    }
    List<EvalExample> earlier = context.earlierPool();
    into.put("retention.tenant.examples", earlier.size());
    if (earlier.isEmpty()) {
      // compared with an incumbent on no items: its gate is left out, and the verdict says why
      context
          .incumbent()
          .ifPresent(
              i ->
                  into.putPaired(
                      EARLIER_VS_INCUMBENT, new PairedItems(new double[0], new double[0])));
    } else {
      List<ExampleScore> candidate =
          results.scores(LearningSuite.earlierScoring(context, context.model()));
      double loss = Scores.meanLoss(candidate);
      double incumbentLoss = Double.NaN;
      if (context.incumbent().isPresent()) {
        List<ExampleScore> incumbent =
            results.scores(
                LearningSuite.earlierScoring(context, context.incumbent().get().model()));
        incumbentLoss = Scores.meanLoss(incumbent);
        into.putPaired(
            EARLIER_VS_INCUMBENT,
            PairedItems.of(Scores.losses(candidate), Scores.losses(incumbent)));
        into.put("retention.tenant.forgetting", -Scores.relativeReduction(incumbentLoss, loss));
      }
      into.compare("retention.tenant.loss", loss, incumbentLoss, Double.NaN, false);
    }
  }

  private static void measureGeneralMatch(
      EvaluationContext context, Results results, Measurements into) {
    List<Double> candidate = matches(context, results, context.model());
    List<Double> base = matches(context, results, ModelRef.BASE);
    into.putPaired(GENERAL_VS_BASE, PairedItems.of(candidate, base));
    double incumbentMatch = Double.NaN;
    if (context.incumbent().isPresent()) {
      List<Double> incumbent = matches(context, results, context.incumbent().get().model());
      into.putPaired(GENERAL_VS_INCUMBENT, PairedItems.of(candidate, incumbent));
      incumbentMatch = mean(incumbent);
    }
    double match = mean(candidate);
    into.compare("retention.general.exact.match", match, incumbentMatch, mean(base), true);
    double reference = Double.isNaN(incumbentMatch) ? mean(base) : incumbentMatch;
    into.put("retention.general.forgetting", reference - match);
  }

  private static List<Double> matches(EvaluationContext context, Results results, ModelRef model) {
    return Scores.matches(
        context.generalQuestions(), results.answers(generalAnswering(context, model)));
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static double loss(Results results, Workload workload) {
    return Scores.meanLoss(results.scores(workload));
  }
}
