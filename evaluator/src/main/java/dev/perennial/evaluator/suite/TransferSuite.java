package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.stats.Effect;
import dev.perennial.evaluator.stats.PairedItems;
import java.util.ArrayList;
import java.util.List;

/**
 * Transfer of a REBASE candidate: the key's held-out questions answered by the candidate on the new
 * base and by the release it moves (carried over or taught by) on the old base, item by item. The
 * old release's answers come from another base, so they are scored by that base's evaluator before
 * this suite measures (not a workload of the candidate's base).
 *
 * <p>Metrics: {@code transfer.questions}, {@code transfer.exact.match} and {@code
 * transfer.exact.match.old}, {@code transfer.ratio} (the candidate's right answers over the old
 * release's), {@code transfer.negative.flips} (right under the old release, wrong under the
 * candidate), {@code transfer.positive.flips}, {@code transfer.flip.rate} (negative flips over the
 * old release's right answers).
 */
public final class TransferSuite {

  /** Paired items: each question's exact match under the candidate and under the old release. */
  public static final String EXACT_MATCH_VS_OLD = "exact match, candidate vs old release";

  /**
   * Paired items: per question, 1 for a negative flip (the candidate's value) and 1 when the old
   * release was right (the reference's value): their ratio of sums is the flip rate.
   */
  public static final String FLIPS_VS_OLD = "negative flips over the old release's right answers";

  private TransferSuite() {}

  /**
   * @param questions the key's held-out questions with short answers
   * @param candidate the candidate's answers on the new base, in the questions' order
   * @param old the old release's answers on the old base, in the questions' order
   */
  public static void measure(
      List<EvalExample> questions, List<String> candidate, List<String> old, Measurements into) {
    List<Double> now = Scores.matches(questions, candidate);
    List<Double> before = Scores.matches(questions, old);
    List<Double> negative = new ArrayList<>(questions.size());
    int positive = 0;
    for (int i = 0; i < questions.size(); i++) {
      negative.add(before.get(i) * (1 - now.get(i)));
      positive += (int) (now.get(i) * (1 - before.get(i)));
    }
    PairedItems exactMatch = PairedItems.of(now, before);
    PairedItems flips = PairedItems.of(negative, before);
    into.putPaired(EXACT_MATCH_VS_OLD, exactMatch);
    into.putPaired(FLIPS_VS_OLD, flips);
    into.put("transfer.questions", questions.size());
    into.put("transfer.exact.match", Scores.exactMatch(questions, candidate));
    into.put("transfer.exact.match.old", Scores.exactMatch(questions, old));
    into.put("transfer.ratio", exactMatch.effect(Effect.RATIO));
    into.put("transfer.negative.flips", negative.stream().mapToDouble(Double::doubleValue).sum());
    into.put("transfer.positive.flips", positive);
    into.put("transfer.flip.rate", flips.effect(Effect.RATIO));
  }
}
