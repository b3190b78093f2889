package dev.perennial.evaluator.suite;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.stats.Effect;
import dev.perennial.evaluator.stats.PairedItems;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.train.PairLoss;
import dev.perennial.model.train.PreferenceLosses;
import java.util.ArrayList;
import java.util.List;

/**
 * Feedback guards: what learning from preference pairs did, measured on the preference pairs of the
 * key's held-out pool (the candidate's own held-out shards and the rest of the pool, pooled as the
 * learning suite pools examples) against the <em>reference</em> the trainer's objectives use, the
 * key's incumbent release when it has one, else the base.
 *
 * <ul>
 *   <li>each pair's implicit reward margin {@code beta [(log pi(chosen) - log ref(chosen)) - (log
 *       pi(rejected) - log ref(rejected))]} ({@link PreferenceLosses#margins}, at DPO's {@link
 *       PairLoss#DEFAULT_BETA}): a pair is ranked right when its margin is above 0;
 *   <li>each chosen answer's loss under the candidate and the reference (DPO's known failure lowers
 *       the chosen answer's likelihood along with the rejected one's);
 *   <li>drift on the base's general set: at each scored position, whether the candidate's most
 *       likely next token (argmax, teacher-forced) differs from the reference's;
 *   <li>the length in characters of the greedy answers to the pairs' prompts (up to the first
 *       newline or the generation cap), under the candidate and the reference, beside the chosen
 *       answers' (their first line): a change of length the feedback accounts for, toward the
 *       chosen answer's, is learning what users preferred; what lies outside the lengths of the
 *       reference's and the chosen answer is verbosity or truncation nobody asked for ({@link
 *       #lengthOutside}).
 * </ul>
 *
 * A key whose pool holds no pair has nothing measured here (its verdict says the feedback gates do
 * not apply). Against the incumbent, the pool's earlier pairs (feedback the incumbent already
 * learnt from) measure what the update changed there: margins near 0 unless it moved them; {@code
 * feedback.new.pairs} counts the candidate's own.
 *
 * <p>Metrics: {@code feedback.pairs}, {@code feedback.new.pairs}, {@code
 * feedback.reference.version} (0: the base), {@code feedback.accuracy}, {@code
 * feedback.margin.mean}, {@code feedback.chosen.loss} and {@code feedback.rejected.loss} (each with
 * {@code .reference}), {@code feedback.drift}, {@code feedback.answer.length} (with {@code
 * .reference} and {@code .chosen}).
 */
public final class FeedbackSuite implements Suite {

  public static final String NAME = "feedback";

  /** Metric: held-out preference pairs in the key's pool. */
  public static final String PAIRS = "feedback.pairs";

  /** Paired items: each pair ranked right (1, margin above 0) or not (0), over 1 per pair. */
  public static final String RANKED_RIGHT = "pairs ranked right (margin > 0), of pairs";

  /** Paired items: each pair's chosen answer's loss (nats), candidate vs reference. */
  public static final String CHOSEN_VS_REFERENCE = "chosen answers' loss, candidate vs reference";

  /**
   * Paired items: each general example's positions whose argmax differs from the reference's, over
   * its positions.
   */
  public static final String DRIFT_VS_REFERENCE =
      "general-set argmax tokens unlike the reference's, of tokens";

  /**
   * Paired items: the characters by which each pair prompt's greedy answer lies outside the lengths
   * of the reference's answer and the chosen answer, over the longer of the two ({@link
   * #lengthOutside}).
   */
  public static final String LENGTH_OUTSIDE_FEEDBACK =
      "greedy answer characters outside the reference's and the chosen answer's lengths, of the"
          + " longer";

  @Override
  public String name() {
    return NAME;
  }

  /** The pairs judged: the preference pairs of the key's held-out pool, the candidate's first. */
  public static List<EvalExample> pairs(EvaluationContext context) {
    List<EvalExample> pairs = new ArrayList<>();
    context.newTask().stream().filter(EvalExample::isPreference).forEach(pairs::add);
    context.earlierPool().stream().filter(EvalExample::isPreference).forEach(pairs::add);
    return pairs;
  }

  /** Names the pool's pairs: content-addressed through the pool's shard sets. */
  private static String pairsDataset(EvaluationContext context) {
    return context.newTaskDataset() + "+" + context.earlierPoolDataset() + ":pairs";
  }

  /** The model the pairs' rewards are measured against: the incumbent, else the base. */
  public static ModelRef reference(EvaluationContext context) {
    return context.incumbent().map(Incumbent::model).orElse(ModelRef.BASE);
  }

  @Override
  public List<Workload> workloads(EvaluationContext context) {
    List<EvalExample> pairs = pairs(context);
    if (pairs.isEmpty()) {
      return List.of();
    }
    List<Workload> workloads = new ArrayList<>();
    for (ModelRef model : List.of(context.model(), reference(context))) {
      workloads.add(chosenScoring(context, model, pairs));
      workloads.add(rejectedScoring(context, model, pairs));
      workloads.add(promptAnswering(context, model, pairs));
      workloads.add(generalPredicting(context, model));
    }
    return workloads;
  }

  private static Workload chosenScoring(
      EvaluationContext context, ModelRef model, List<EvalExample> pairs) {
    return Workload.score(
        model,
        pairsDataset(context) + ":chosen",
        pairs.stream().map(EvalExample::chosenAnswer).toList());
  }

  private static Workload rejectedScoring(
      EvaluationContext context, ModelRef model, List<EvalExample> pairs) {
    return Workload.score(
        model,
        pairsDataset(context) + ":rejected",
        pairs.stream().map(EvalExample::rejectedAnswer).toList());
  }

  private static Workload promptAnswering(
      EvaluationContext context, ModelRef model, List<EvalExample> pairs) {
    return Workload.answer(
        model,
        pairsDataset(context) + ":qa",
        pairs.stream().map(EvalExample::chosenAnswer).toList());
  }

  private static Workload generalPredicting(EvaluationContext context, ModelRef model) {
    return Workload.predict(model, context.generalDataset(), context.general());
  }

  @Override
  public void measure(EvaluationContext context, Results results, Measurements into) {
    List<EvalExample> pairs = pairs(context);
    into.put(PAIRS, pairs.size());
    into.put(
        "feedback.new.pairs", context.newTask().stream().filter(EvalExample::isPreference).count());
    if (pairs.isEmpty()) {
      return;
    }
    ModelRef reference = reference(context);
    into.put("feedback.reference.version", context.incumbent().map(Incumbent::version).orElse(0));
    List<ExampleScore> chosen = results.scores(chosenScoring(context, context.model(), pairs));
    List<ExampleScore> rejected = results.scores(rejectedScoring(context, context.model(), pairs));
    List<ExampleScore> referenceChosen = results.scores(chosenScoring(context, reference, pairs));
    List<ExampleScore> referenceRejected =
        results.scores(rejectedScoring(context, reference, pairs));

    double[] margins =
        margins(
            logLikelihoods(chosen),
            logLikelihoods(rejected),
            logLikelihoods(referenceChosen),
            logLikelihoods(referenceRejected),
            PairLoss.DEFAULT_BETA);
    into.putRewardMargins(margins);
    double[] right = new double[margins.length];
    double[] ones = new double[margins.length];
    for (int i = 0; i < margins.length; i++) {
      right[i] = margins[i] > 0 ? 1 : 0;
      ones[i] = 1;
    }
    PairedItems ranked = new PairedItems(right, ones);
    into.putPaired(RANKED_RIGHT, ranked);
    into.put("feedback.accuracy", mean(right));
    into.put("feedback.margin.mean", mean(margins));

    into.putPaired(
        CHOSEN_VS_REFERENCE, PairedItems.of(Scores.losses(chosen), Scores.losses(referenceChosen)));
    into.put("feedback.chosen.loss", Scores.meanLoss(chosen));
    into.put("feedback.chosen.loss.reference", Scores.meanLoss(referenceChosen));
    into.put("feedback.rejected.loss", Scores.meanLoss(rejected));
    into.put("feedback.rejected.loss.reference", Scores.meanLoss(referenceRejected));

    PairedItems drift =
        disagreement(
            results.predictions(generalPredicting(context, context.model())),
            results.predictions(generalPredicting(context, reference)));
    into.putPaired(DRIFT_VS_REFERENCE, drift);
    into.put("feedback.drift", drift.effect(Effect.RATIO));

    double[] lengths = lengths(results.answers(promptAnswering(context, context.model(), pairs)));
    double[] referenceLengths =
        lengths(results.answers(promptAnswering(context, reference, pairs)));
    double[] chosenLengths = lengths(pairs.stream().map(FeedbackSuite::firstLine).toList());
    into.putPaired(
        LENGTH_OUTSIDE_FEEDBACK, lengthOutside(lengths, referenceLengths, chosenLengths));
    into.put("feedback.answer.length", mean(lengths));
    into.put("feedback.answer.length.reference", mean(referenceLengths));
    into.put("feedback.answer.length.chosen", mean(chosenLengths));
  }

  /**
   * Per pair, how far the candidate's answer length lies outside the range between the reference's
   * answer length and the chosen answer's (0 anywhere within it), over the range's upper end, so
   * that the ratio of sums is the share of characters that neither the reference nor the feedback
   * accounts for: longer than both (verbosity) or shorter than both (truncation).
   */
  public static PairedItems lengthOutside(double[] candidate, double[] reference, double[] chosen) {
    double[] outside = new double[candidate.length];
    double[] longer = new double[candidate.length];
    for (int i = 0; i < candidate.length; i++) {
      double low = Math.min(reference[i], chosen[i]);
      double high = Math.max(reference[i], chosen[i]);
      outside[i] = Math.max(0, candidate[i] - high) + Math.max(0, low - candidate[i]);
      longer[i] = high;
    }
    return new PairedItems(outside, longer);
  }

  /** The chosen answer as greedy decoding, which stops at a newline, could produce it. */
  private static String firstLine(EvalExample pair) {
    return pair.answer().lines().findFirst().orElse("").trim();
  }

  /**
   * Each pair's implicit reward margin, {@code beta} times {@link PreferenceLosses#margins} of the
   * log-likelihoods (the objective's own formula, on the host).
   */
  static double[] margins(
      double[] policyChosen,
      double[] policyRejected,
      double[] referenceChosen,
      double[] referenceRejected,
      double beta) {
    try (NDManager manager = ModelRuntime.engine().newBaseManager(Device.cpu())) {
      NDArray margins =
          PreferenceLosses.margins(
              array(manager, policyChosen),
              array(manager, policyRejected),
              array(manager, referenceChosen),
              array(manager, referenceRejected));
      float[] values = margins.toFloatArray();
      double[] scaled = new double[values.length];
      for (int i = 0; i < values.length; i++) {
        scaled[i] = beta * values[i];
      }
      return scaled;
    }
  }

  /**
   * Per example: positions whose predicted token differs (candidate side) over positions (reference
   * side), so that the ratio of sums is the share of differing tokens.
   */
  static PairedItems disagreement(List<int[]> candidate, List<int[]> reference) {
    double[] differing = new double[candidate.size()];
    double[] positions = new double[candidate.size()];
    for (int i = 0; i < candidate.size(); i++) {
      int[] ours = candidate.get(i);
      int[] theirs = reference.get(i);
      int n = Math.min(ours.length, theirs.length);
      int differ = 0;
      for (int t = 0; t < n; t++) {
        if (ours[t] != theirs[t]) {
          differ++;
        }
      }
      differing[i] = differ;
      positions[i] = n;
    }
    return new PairedItems(differing, positions);
  }

  private static NDArray array(NDManager manager, double[] values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return EngineArrays.of(manager, floats);
  }

  private static double[] logLikelihoods(List<ExampleScore> scores) {
    return scores.stream().mapToDouble(ExampleScore::logLikelihood).toArray();
  }

  private static double[] lengths(List<String> answers) {
    return answers.stream().mapToDouble(String::length).toArray();
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }
}
