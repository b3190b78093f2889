package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.stats.PairedItems;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.schemas.v1.AdapterCandidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Learning: did the candidate learn its new data, and does it know what the key learnt so far? Its
 * loss on the held-out examples of its shards (which it never trained on) against the base's and
 * the incumbent's, exact match of its greedy answers to their short-answer questions, and its loss
 * on the key's whole held-out pool (its new examples and the earlier ones) against the base's, item
 * by item: what the {@code learning} gate decides on, so a small job is judged with the pool. Its
 * loss on its own held-out examples against the incumbent's, item by item, is what the {@code
 * learning.incumbent} gate decides on: an update must have learnt what is new to the incumbent,
 * which a copy of the incumbent inherits on the pool.
 *
 * <p>Metrics: {@code learning.examples}, {@code learning.questions}, {@code learning.loss} (with
 * {@code .base}, {@code .incumbent}), {@code learning.gain} (relative loss reduction against the
 * base), {@code learning.gain.incumbent}, {@code learning.exact.match} (with {@code .base}, {@code
 * .incumbent}), {@code learning.pool.examples}, {@code learning.pool.loss} (with {@code .base}),
 * {@code learning.pool.gain}.
 */
public final class LearningSuite implements Suite {

  public static final String NAME = "learning";

  /** Metric: held-out examples in the key's pool (the new ones and the earlier ones). */
  public static final String POOL_EXAMPLES = "learning.pool.examples";

  /** Paired items: each pool example's loss under the candidate and under the base. */
  public static final String POOL_VS_BASE = "pool loss, candidate vs base";

  /**
   * Paired items: each of the candidate's own held-out examples' loss under the candidate and under
   * its incumbent; only with an incumbent other than the candidate itself.
   */
  public static final String NEW_VS_INCUMBENT = "new loss, candidate vs incumbent";

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
    workloads.add(earlierScoring(context, context.model()));
    workloads.add(earlierScoring(context, ModelRef.BASE));
    workloads.add(taughtAnswering(context, context.model()));
    workloads.add(taughtAnswering(context, ModelRef.BASE));
    return workloads;
  }

  /** The new task scored by {@code model}. */
  public static Workload scoring(EvaluationContext context, ModelRef model) {
    return Workload.score(model, context.newTaskDataset(), context.newTask());
  }

  /** The pool's earlier examples scored by {@code model}. */
  public static Workload earlierScoring(EvaluationContext context, ModelRef model) {
    return Workload.score(model, context.earlierPoolDataset(), context.earlierPool());
  }

  /** The new task's questions answered by {@code model}. */
  public static Workload answering(EvaluationContext context, ModelRef model) {
    return Workload.answer(model, context.newTaskDataset() + ":qa", context.newQuestions());
  }

  /** The questions the candidate's job taught, answered by {@code model}. */
  public static Workload taughtAnswering(EvaluationContext context, ModelRef model) {
    return Workload.answer(model, context.taughtDataset(), context.taught());
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
    context
        .incumbent()
        .filter(incumbent -> !isTheCandidateItself(context, incumbent))
        .ifPresent(
            incumbent ->
                into.putPaired(
                    NEW_VS_INCUMBENT,
                    PairedItems.of(
                        Scores.losses(results.scores(scoring(context, context.model()))),
                        Scores.losses(results.scores(scoring(context, incumbent.model()))))));
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
    measureTaught(context, results, into);
    measurePool(context, results, into);
  }

  /** Exact match on what the job taught: whether the candidate answers its own training. */
  private static void measureTaught(EvaluationContext context, Results results, Measurements into) {
    List<EvalExample> taught = context.taught();
    into.put("learning.taught.questions", taught.size());
    if (!taught.isEmpty()) {
      into.compare(
          "learning.taught.exact.match",
          Scores.exactMatch(taught, results.answers(taughtAnswering(context, context.model()))),
          Double.NaN,
          Scores.exactMatch(taught, results.answers(taughtAnswering(context, ModelRef.BASE))),
          true);
    }
  }

  /**
   * Whether the incumbent is the candidate's own release: the candidate read again after it was
   * released, which did not continue it (an update that continued the stable release and left its
   * adapter unchanged has the same location, and is compared with it).
   */
  public static boolean isTheCandidateItself(EvaluationContext context, Incumbent incumbent) {
    AdapterCandidate candidate = context.candidate();
    return incumbent.location().equals(candidate.getLocation())
        && !Objects.equals(candidate.getParentVersion(), incumbent.version());
  }

  private static void measurePool(EvaluationContext context, Results results, Measurements into) {
    List<ExampleScore> candidate = poolScores(context, results, context.model());
    List<ExampleScore> base = poolScores(context, results, ModelRef.BASE);
    into.put(POOL_EXAMPLES, candidate.size());
    into.putPaired(POOL_VS_BASE, PairedItems.of(Scores.losses(candidate), Scores.losses(base)));
    if (!candidate.isEmpty()) {
      double loss = Scores.meanLoss(candidate);
      double baseLoss = Scores.meanLoss(base);
      into.compare("learning.pool.loss", loss, Double.NaN, baseLoss, false);
      into.put("learning.pool.gain", Scores.relativeReduction(baseLoss, loss));
    }
  }

  /** Each pool example's score under {@code model}: the new task's, then the earlier ones'. */
  private static List<ExampleScore> poolScores(
      EvaluationContext context, Results results, ModelRef model) {
    List<ExampleScore> scores = new ArrayList<>(results.scores(scoring(context, model)));
    scores.addAll(results.scores(earlierScoring(context, model)));
    return scores;
  }
}
