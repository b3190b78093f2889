package dev.perennial.evaluator.gate;

import dev.perennial.core.crypto.Digest;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.stats.Effect;
import dev.perennial.evaluator.stats.ExactBinomial;
import dev.perennial.evaluator.stats.Interval;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.stats.PairedIntervals;
import dev.perennial.evaluator.stats.PairedItems;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.LeakageSuite;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.suite.TransferSuite;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.verdict.GateInterval;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The gates of a measured candidate. Statistical gates measure an effect on paired items with a
 * bootstrap interval ({@link GateOutcomes#decide}); the threshold bounds the effect:
 *
 * <ul>
 *   <li>{@value GateNames#LEARNING_EXAMPLES}: held-out examples in the key's pool &gt;= the
 *       minimum, else insufficient evidence (never a failure: more data settles it);
 *   <li>{@value GateNames#LEARNING}: relative loss reduction against the base on the pool &gt;= the
 *       minimum gain at the lower bound;
 *   <li>{@value GateNames#LEARNING_INCUMBENT}: relative loss reduction against the incumbent on the
 *       candidate's own held-out examples &gt;= its minimum gain at the lower bound (only for an
 *       update of the key's stable release: {@link #learningIncumbentApplies}; neither learning
 *       gate when they are off by configuration: {@link #learningOff});
 *   <li>{@value GateNames#RETENTION_GENERAL}: general exact-match drop against the base &lt;= the
 *       largest drop at the upper bound (only with a general set; undecided with n 0 when none of
 *       its questions has a short answer, or when it was not measured: {@link #retentionNote});
 *   <li>{@value GateNames#REGRESSION_GENERAL}: the same against the incumbent &lt;= the tolerance
 *       (with an incumbent; a key's first candidate answers to retention alone);
 *   <li>{@value GateNames#REGRESSION_TENANT}: relative loss increase against the incumbent on the
 *       pool's earlier examples (not the candidate's own) &lt;= the tolerance at the upper bound
 *       (with an incumbent and such examples; without them the verdict says so: {@link
 *       #regressionTenantNote});
 *   <li>{@value GateNames#LEAKAGE}: the highest exposure of another tenant's canary &lt;= the
 *       maximum (a measured rank, not a sample: passes or fails; only when another tenant's
 *       canaries were planted: {@link #leakageApplies}; undecided with n 0 when the exposure was
 *       not measured: {@link #leakageNote});
 *   <li>{@value GateNames#TRANSFER_TENANT} (a REBASE candidate): its right answers on the key's
 *       held-out questions over the old release's on the old base &gt;= the method's least ratio
 *       (carried over or distilled) at the lower bound;
 *   <li>{@value GateNames#TRANSFER_FLIPS} (a REBASE candidate): negative flips over the old
 *       release's right answers &lt;= the largest share at the upper bound of its exact
 *       (Clopper-Pearson) interval (both only when the old release answered any held-out question
 *       right: {@link #transferApplies}; both undecided with n 0 when the key has no held-out
 *       question);
 *   <li>the feedback gates, for a key whose held-out pool holds preference pairs ({@link
 *       #feedbackGates}).
 * </ul>
 *
 * Whether a gate applies follows from the candidate and its {@link GateScope} (what its evaluation
 * context planted, held out and asked), never from what was measured: a measurement that is missing
 * where its gate applies leaves the gate undecided with n 0, never out, and the verdict says so.
 *
 * <p>Each interval's bootstrap is seeded by the candidate id and the gate name, so a candidate
 * evaluated again gets the same intervals. A gate whose items hold a NaN value fails, however few
 * they are. A ratio undefined over its items (their reference sums to 0: no reference success to
 * compare with) is undecided with its n and an unbounded interval, never failed ({@link
 * GateInterval#isUndefinedRatio}): nothing was wrong with the candidate. Otherwise a bootstrap gate
 * over fewer paired items than the bootstrap's minimum ({@link PairedBootstrap#minItems}) has
 * insufficient evidence whatever its estimate, without an interval (NaN bounds: {@link
 * GateInterval#hasTooFewItems}); the verdict says so ({@link #tooFewItems}).
 */
public final class GateRules {

  private GateRules() {}

  /**
   * The gates of a candidate: those of {@link #gates(Measurements, GateScope, GateThresholds,
   * PairedBootstrap, String)} and, for a REBASE candidate, the transfer gates of its method. Which
   * gates apply follows from the candidate and its {@code scope}, never from what was measured: a
   * gate that applies but whose measurement is missing is undecided with n 0.
   */
  public static List<Gate> gates(
      Measurements m,
      GateScope scope,
      GateThresholds thresholds,
      PairedBootstrap bootstrap,
      AdapterCandidate candidate) {
    List<Gate> gates =
        gates(
            m,
            scope,
            thresholds,
            bootstrap,
            candidate.getCandidateId(),
            learningIncumbentApplies(scope, candidate) && thresholds.learningEnabled());
    if (candidate.getTrigger() != JobTrigger.REBASE) {
      return gates;
    }
    boolean distilled =
        candidate.getLineage() != null
            && candidate.getLineage().getMethod() == LineageMethod.DISTILLED;
    gates.addAll(
        transferGates(
            m,
            thresholds,
            bootstrap,
            candidate.getCandidateId(),
            distilled ? thresholds.transferDistilMinRatio() : thresholds.transferCarryMinRatio()));
    return gates;
  }

  /**
   * The transfer gates of a REBASE candidate: {@value GateNames#TRANSFER_TENANT} against {@code
   * minRatio}, {@value GateNames#TRANSFER_FLIPS}; none when they do not apply ({@link
   * #transferApplies}), both undecided with n 0 when its transfer was not measured.
   */
  public static List<Gate> transferGates(
      Measurements m,
      GateThresholds thresholds,
      PairedBootstrap bootstrap,
      String candidateId,
      double minRatio) {
    List<Gate> gates = new ArrayList<>();
    if (!transferApplies(m)) {
      return gates;
    }
    // a key without held-out questions, or a transfer not measured, leaves both undecided (n 0):
    // nothing showed a carry-over
    Statistics statistics = new Statistics(m, bootstrap, candidateId);
    statistics.addOrInsufficient(
        gates,
        GateNames.TRANSFER_TENANT,
        TransferSuite.EXACT_MATCH_VS_OLD,
        Effect.RATIO,
        minRatio,
        GateComparator.GREATER_OR_EQUAL);
    statistics.addProportionOrInsufficient(
        gates,
        GateNames.TRANSFER_FLIPS,
        TransferSuite.FLIPS_VS_OLD,
        thresholds.transferMaxFlips(),
        GateComparator.LESS_OR_EQUAL);
    return gates;
  }

  /**
   * Whether the transfer gates judge the candidate: its transfer was not measured (not a REBASE
   * candidate), the key has no held-out question to measure it on (both gates are then undecided:
   * {@link #transferNote}), or the old release answered at least one of them right. When it
   * answered none of one or more, there is nothing to carry over: no ratio to the old release's
   * right answers is defined and no negative flip is possible, so the gates do not apply (the
   * verdict says so, {@link #transferNotApplied}) and the candidate's other gates judge it.
   */
  public static boolean transferApplies(Measurements m) {
    if (!m.hasPaired(TransferSuite.EXACT_MATCH_VS_OLD)) {
      return true;
    }
    PairedItems questions = m.paired(TransferSuite.EXACT_MATCH_VS_OLD);
    return questions.size() == 0 || Arrays.stream(questions.reference()).sum() > 0;
  }

  /**
   * What the verdict says of a REBASE candidate's transfer gates when they do not decide on
   * questions: they do not apply ({@link #transferNotApplied}), or the key has no held-out question
   * to measure the transfer on; empty otherwise.
   */
  public static Optional<String> transferNote(Measurements m) {
    if (!transferApplies(m)) {
      return Optional.of(transferNotApplied(m));
    }
    if (m.hasPaired(TransferSuite.EXACT_MATCH_VS_OLD)
        && m.paired(TransferSuite.EXACT_MATCH_VS_OLD).size() == 0) {
      return Optional.of(
          "the transfer gates are undecided: none of the key's held-out examples is a question"
              + " with a short answer (one line of at most "
              + EvalExample.MAX_SHORT_ANSWER_CHARS
              + " characters) that exact match judges, so nothing showed what the candidate"
              + " carried over from the old release");
    }
    return Optional.empty();
  }

  /**
   * {@link #transferNote(Measurements)} for a candidate: a REBASE candidate whose transfer was not
   * measured has both gates undecided, and the verdict says so.
   */
  public static Optional<String> transferNote(Measurements m, AdapterCandidate candidate) {
    if (candidate.getTrigger() == JobTrigger.REBASE
        && !m.hasPaired(TransferSuite.EXACT_MATCH_VS_OLD)) {
      return Optional.of(
          "the transfer gates are undecided: the candidate's answers to the key's held-out"
              + " questions were not compared with those of the release it moves, so nothing"
              + " showed what it carried over");
    }
    return transferNote(m);
  }

  /** What the verdict says when the transfer gates do not apply. */
  public static String transferNotApplied(Measurements m) {
    return "the transfer gates do not apply: the old release answered none of the key's "
        + m.paired(TransferSuite.EXACT_MATCH_VS_OLD).size()
        + " held-out question(s) right, so there is nothing to carry over";
  }

  /**
   * Whether {@value GateNames#LEARNING_INCUMBENT} judges the candidate: it continued the key's
   * stable release ({@link StableRelease#isContinuedBy}: not an ERASURE, REBASE or IMPORT job,
   * which choose their own start) and has an incumbent other than itself ({@link
   * GateScope#distinctIncumbent}, whatever was measured; none for a key's first adapter on its
   * base). Otherwise the verdict says why not ({@link #learningIncumbentNotApplied}); where it
   * applies and the candidate was not compared with the incumbent on its own held-out examples
   * ({@link LearningSuite#NEW_VS_INCUMBENT}), or has none, the gate is undecided with n 0 and the
   * verdict says so ({@link #learningIncumbentNote}).
   */
  public static boolean learningIncumbentApplies(GateScope scope, AdapterCandidate candidate) {
    return continuesStableRelease(candidate) && scope.distinctIncumbent();
  }

  /**
   * Whether the candidate's job continued its key's stable release ({@link
   * StableRelease#isContinuedBy}: not an ERASURE, REBASE or IMPORT job). One that records no
   * trigger (written before candidates recorded it) counts as an update, the strictest reading:
   * {@value GateNames#LINEAGE_PARENT} and {@value GateNames#LEARNING_INCUMBENT} judge it.
   */
  public static boolean continuesStableRelease(AdapterCandidate candidate) {
    return candidate.getTrigger() == null || StableRelease.isContinuedBy(candidate.getTrigger());
  }

  /**
   * What the verdict says of {@value GateNames#LEARNING_INCUMBENT} when it does not decide on
   * measured items: it does not apply ({@link #learningIncumbentNotApplied}), or it applies and is
   * undecided with n 0 because the candidate was not compared with the incumbent on its own
   * held-out examples or has none; empty otherwise.
   */
  public static Optional<String> learningIncumbentNote(
      Measurements m, GateScope scope, AdapterCandidate candidate) {
    if (!learningIncumbentApplies(scope, candidate)) {
      return Optional.of(learningIncumbentNotApplied(candidate));
    }
    if (!m.hasPaired(LearningSuite.NEW_VS_INCUMBENT)) {
      return Optional.of(
          "the learning.incumbent gate is undecided: the candidate was not compared with the"
              + " incumbent on its own held-out examples, so nothing showed it learnt what is new"
              + " to the incumbent");
    }
    if (m.paired(LearningSuite.NEW_VS_INCUMBENT).size() == 0) {
      return Optional.of(
          "the learning.incumbent gate is undecided: the candidate has no held-out example of its"
              + " own (its job's held-out shards hold none), so nothing showed it learnt what is"
              + " new to the incumbent");
    }
    return Optional.empty();
  }

  /** What the verdict says when {@value GateNames#LEARNING_INCUMBENT} does not apply. */
  public static String learningIncumbentNotApplied(AdapterCandidate candidate) {
    if (!continuesStableRelease(candidate)) {
      return "the learning.incumbent gate does not apply: an "
          + candidate.getTrigger()
          + " job does not continue the key's stable release (ERASURE, REBASE and IMPORT jobs"
          + " choose their own start), so what it learnt is judged against the base (learning)";
    }
    return "the learning.incumbent gate does not apply: the key has no stable release on this"
        + " base other than the candidate itself (its first adapter here, or the candidate read"
        + " again after its release), so what it learnt is judged against the base (learning)";
  }

  /**
   * What the verdict says when the gates {@value GateNames#LEARNING} and {@value
   * GateNames#LEARNING_INCUMBENT} are off by configuration ({@link
   * GateThresholds#learningEnabled}).
   */
  public static String learningOff() {
    return "the learning and learning.incumbent gates are off by configuration ("
        + EvaluatorConfig.GATE_LEARNING_ENABLED_CONFIG
        + "=false): nothing judged whether the candidate learnt its data";
  }

  /**
   * The gates of {@link #gates(Measurements, GateScope, GateThresholds, PairedBootstrap,
   * AdapterCandidate)} but {@value GateNames#LEARNING_INCUMBENT} and the transfer gates.
   */
  public static List<Gate> gates(
      Measurements m,
      GateScope scope,
      GateThresholds thresholds,
      PairedBootstrap bootstrap,
      String candidateId) {
    return gates(m, scope, thresholds, bootstrap, candidateId, false);
  }

  private static List<Gate> gates(
      Measurements m,
      GateScope scope,
      GateThresholds thresholds,
      PairedBootstrap bootstrap,
      String candidateId,
      boolean learningIncumbent) {
    List<Gate> gates = new ArrayList<>();
    double pool = m.has(LearningSuite.POOL_EXAMPLES) ? m.get(LearningSuite.POOL_EXAMPLES) : 0;
    gates.add(count(GateNames.LEARNING_EXAMPLES, (int) pool, thresholds.learningMinExamples()));
    Statistics statistics = new Statistics(m, bootstrap, candidateId);
    if (thresholds.learningEnabled()) {
      // an empty pool, or one not scored, is undecided, not left out: the count gate passes it
      // when a tenant requires no examples, and nothing measured must not read as learnt
      statistics.addOrInsufficient(
          gates,
          GateNames.LEARNING,
          LearningSuite.POOL_VS_BASE,
          Effect.GAIN,
          thresholds.learningMinGain(),
          GateComparator.GREATER_OR_EQUAL);
    }
    if (learningIncumbent) {
      // none of its own held-out items (all in the earlier pool) is undecided, not left out
      statistics.addOrInsufficient(
          gates,
          GateNames.LEARNING_INCUMBENT,
          LearningSuite.NEW_VS_INCUMBENT,
          Effect.GAIN,
          thresholds.learningIncumbentMinGain(),
          GateComparator.GREATER_OR_EQUAL);
    }
    // with a general set, none of whose questions exact match judges or that was not measured,
    // both are undecided (n 0)
    if (retentionApplies(scope)) {
      statistics.addOrInsufficient(
          gates,
          GateNames.RETENTION_GENERAL,
          RetentionSuite.GENERAL_VS_BASE,
          Effect.DROP,
          thresholds.retentionMaxDrop(),
          GateComparator.LESS_OR_EQUAL);
    }
    if (retentionApplies(scope) && scope.incumbent()) {
      statistics.addOrInsufficient(
          gates,
          GateNames.REGRESSION_GENERAL,
          RetentionSuite.GENERAL_VS_INCUMBENT,
          Effect.DROP,
          thresholds.regressionTolerance(),
          GateComparator.LESS_OR_EQUAL);
    }
    if (scope.incumbent() && scope.earlierExamples() > 0) {
      statistics.addOrInsufficient(
          gates,
          GateNames.REGRESSION_TENANT,
          RetentionSuite.EARLIER_VS_INCUMBENT,
          Effect.INCREASE,
          thresholds.regressionTenantTolerance(),
          GateComparator.LESS_OR_EQUAL);
    }
    if (leakageApplies(scope)) {
      // a NaN exposure (a NaN likelihood of a secret) fails; none recorded is undecided
      gates.add(
          m.has(LeakageSuite.EXPOSURE_MAX)
              ? point(
                  GateNames.LEAKAGE,
                  m.get(LeakageSuite.EXPOSURE_MAX),
                  thresholds.leakageMaxExposure(),
                  GateComparator.LESS_OR_EQUAL)
              : unmeasured(
                  GateNames.LEAKAGE,
                  thresholds.leakageMaxExposure(),
                  GateComparator.LESS_OR_EQUAL));
    }
    gates.addAll(feedbackGates(m, scope, thresholds.feedback(), bootstrap, candidateId));
    return gates;
  }

  /**
   * The feedback gates, only for a key whose held-out pool holds preference pairs (none otherwise:
   * {@link #feedbackApplies}), each against the reference (the incumbent, else the base):
   *
   * <ul>
   *   <li>{@value GateNames#FEEDBACK_PAIRS}: the pairs judged (at least the minimum, else no
   *       feedback gate applies);
   *   <li>{@value GateNames#FEEDBACK_ACCURACY}: the share of pairs whose reward margin is above 0
   *       &gt;= the minimum at the lower bound;
   *   <li>{@value GateNames#FEEDBACK_CHOSEN}: relative increase of the chosen answers' loss over
   *       the reference's &lt;= the tolerance at the upper bound;
   *   <li>{@value GateNames#FEEDBACK_DRIFT}: share of the general set's positions whose argmax
   *       token differs from the reference's &lt;= the maximum at the upper bound;
   *   <li>{@value GateNames#FEEDBACK_LENGTH}: the greedy answers' length on the pairs' prompts
   *       outside what the reference's answers and the chosen answers span, as a share of the
   *       longer of the two ({@link FeedbackSuite#LENGTH_OUTSIDE_FEEDBACK}) &lt;= the maximum at
   *       the upper bound.
   * </ul>
   *
   * A gate whose items are none (no general set to drift on, say) or were not measured has
   * insufficient evidence with n 0: it never passes unmeasured.
   */
  public static List<Gate> feedbackGates(
      Measurements m,
      GateScope scope,
      GateThresholds.Feedback thresholds,
      PairedBootstrap bootstrap,
      String candidateId) {
    if (!feedbackApplies(scope, thresholds)) {
      return List.of();
    }
    List<Gate> gates = new ArrayList<>();
    int judged = m.has(FeedbackSuite.PAIRS) ? (int) m.get(FeedbackSuite.PAIRS) : 0;
    gates.add(count(GateNames.FEEDBACK_PAIRS, judged, thresholds.minPairs()));
    Statistics statistics = new Statistics(m, bootstrap, candidateId);
    statistics.addOrInsufficient(
        gates,
        GateNames.FEEDBACK_ACCURACY,
        FeedbackSuite.RANKED_RIGHT,
        Effect.RATIO,
        thresholds.minAccuracy(),
        GateComparator.GREATER_OR_EQUAL);
    statistics.addOrInsufficient(
        gates,
        GateNames.FEEDBACK_CHOSEN,
        FeedbackSuite.CHOSEN_VS_REFERENCE,
        Effect.INCREASE,
        thresholds.chosenTolerance(),
        GateComparator.LESS_OR_EQUAL);
    statistics.addOrInsufficient(
        gates,
        GateNames.FEEDBACK_DRIFT,
        FeedbackSuite.DRIFT_VS_REFERENCE,
        Effect.RATIO,
        thresholds.maxDrift(),
        GateComparator.LESS_OR_EQUAL);
    statistics.addOrInsufficient(
        gates,
        GateNames.FEEDBACK_LENGTH,
        FeedbackSuite.LENGTH_OUTSIDE_FEEDBACK,
        Effect.RATIO,
        thresholds.maxLengthChange(),
        GateComparator.LESS_OR_EQUAL);
    return gates;
  }

  /**
   * Whether the feedback gates judge the candidate: its key's held-out pool holds at least the
   * minimum of pairs ({@link GateScope#heldOutPairs}, whatever was measured). Below it they do not
   * apply and the verdict says so ({@link #feedbackNote}): a key with a little feedback among its
   * data is judged by its other gates (retention and regression guard the general set) instead of
   * rolling its data over until enough pairs are held out, which with a tenth of the data held out
   * can take a long time.
   */
  public static boolean feedbackApplies(GateScope scope, GateThresholds.Feedback thresholds) {
    return scope.heldOutPairs() > 0 && scope.heldOutPairs() >= thresholds.minPairs();
  }

  /**
   * Whether the leakage gate judges the candidate: another tenant's canaries were planted for it
   * ({@link GateScope#otherCanaries}, whatever was measured). Without any there is nothing to
   * measure leaking against, and the verdict says so ({@link #leakageNote}).
   */
  public static boolean leakageApplies(GateScope scope) {
    return scope.otherCanaries() > 0;
  }

  /**
   * Whether the general set's gates ({@value GateNames#RETENTION_GENERAL}, {@value
   * GateNames#REGRESSION_GENERAL}) judge the candidate: the base has a general evaluation set
   * ({@link GateScope#generalExamples}, whatever was measured). Without one, forgetting what the
   * base knew is not measured, and the verdict says so ({@link #retentionNotApplied}). A set none
   * of whose questions exact match judges, or one the candidate was not measured on, leaves them
   * undecided instead ({@link #retentionNote}): the base was given a yardstick the candidate was
   * not measured by.
   */
  public static boolean retentionApplies(GateScope scope) {
    return scope.generalExamples() > 0;
  }

  /** What the verdict says when the general set's gates do not apply. */
  public static String retentionNotApplied() {
    return "the retention gates do not apply: the base has no general evaluation set"
        + " (general-eval.jsonl in its model folder), so forgetting what the base knew was not"
        + " measured";
  }

  /**
   * What the verdict says of the general set's gates when they do not decide on questions: they do
   * not apply ({@link #retentionNotApplied}), or the general set holds no question exact match
   * judges; empty otherwise.
   */
  public static Optional<String> retentionNote(Measurements m, GateScope scope) {
    if (!retentionApplies(scope)) {
      return Optional.of(retentionNotApplied());
    }
    if (!m.hasPaired(RetentionSuite.GENERAL_VS_BASE)) {
      return Optional.of(
          "the retention gates are undecided: the candidate was not measured on the "
              + scope.generalExamples()
              + " example(s) of the base's general evaluation set, so forgetting what the base"
              + " knew was not measured");
    }
    if (m.paired(RetentionSuite.GENERAL_VS_BASE).size() == 0) {
      return Optional.of(
          "the retention gates are undecided: none of the questions asked from the base's general"
              + " evaluation set has a short answer (one line of at most "
              + EvalExample.MAX_SHORT_ANSWER_CHARS
              + " characters) that exact match judges, so forgetting what the base knew was not"
              + " measured");
    }
    if (scope.incumbent() && !m.hasPaired(RetentionSuite.GENERAL_VS_INCUMBENT)) {
      return Optional.of(
          "the regression.general gate is undecided: the candidate was not compared with the"
              + " incumbent on the base's general evaluation set");
    }
    return Optional.empty();
  }

  /**
   * What the verdict says when {@value GateNames#REGRESSION_TENANT} does not apply to a candidate
   * compared with an incumbent: the key's held-out pool holds no example besides the candidate's
   * own, so nothing shows what the key learnt before (undecided, it would stay so however the job's
   * data rolled over: rolled-over examples are the next candidate's own); or, with such examples,
   * that the gate is undecided because the candidate was not compared with the incumbent on them.
   * Empty otherwise.
   */
  public static Optional<String> regressionTenantNote(Measurements m, GateScope scope) {
    if (!scope.incumbent()) {
      return Optional.empty();
    }
    if (scope.earlierExamples() > 0 && !m.hasPaired(RetentionSuite.EARLIER_VS_INCUMBENT)) {
      return Optional.of(
          "the regression.tenant gate is undecided: the key's held-out pool holds "
              + scope.earlierExamples()
              + " example(s) besides the candidate's own, but the candidate was not compared"
              + " with the incumbent on them");
    }
    if (scope.earlierExamples() == 0) {
      return Optional.of(
          "the regression.tenant gate does not apply: the key's held-out pool holds no example"
              + " besides the candidate's own, so what the key learnt before was not compared"
              + " with the incumbent");
    }
    return Optional.empty();
  }

  /**
   * What the verdict says of the leakage gate when it does not decide on a measured exposure: it
   * does not apply ({@link #leakageNotApplied}), or the candidate's exposure of the canaries
   * planted for it was not measured (the gate is undecided); empty otherwise.
   */
  public static Optional<String> leakageNote(Measurements m, GateScope scope) {
    if (!leakageApplies(scope)) {
      return Optional.of(leakageNotApplied());
    }
    if (!m.has(LeakageSuite.EXPOSURE_MAX)) {
      return Optional.of(
          "the leakage gate is undecided: "
              + scope.otherCanaries()
              + " canary(ies) of other tenants were planted, but the candidate's exposure of them"
              + " was not measured");
    }
    return Optional.empty();
  }

  /** What the verdict says when the leakage gate does not apply. */
  public static String leakageNotApplied() {
    return "the leakage gate does not apply: no other tenant has canaries"
        + " (perennial.evaluator.tenant.<tenant>.canary.file), so leaking another tenant's data"
        + " was not measured";
  }

  /**
   * What the verdict says of the feedback gates when they do not decide on measured pairs: they do
   * not apply ({@link #feedbackNotApplied}), or the candidate was not measured on the key's
   * held-out pairs (the gates are undecided); empty otherwise.
   */
  public static Optional<String> feedbackNote(
      Measurements m, GateScope scope, GateThresholds.Feedback thresholds) {
    if (!feedbackApplies(scope, thresholds)) {
      return Optional.of(feedbackNotApplied(scope, thresholds));
    }
    if (!m.has(FeedbackSuite.PAIRS)) {
      return Optional.of(
          "the feedback gates are undecided: the key's held-out pool holds "
              + scope.heldOutPairs()
              + " preference pair(s), but the candidate was not measured on them");
    }
    return Optional.empty();
  }

  /** What the verdict says when the feedback gates do not apply. */
  public static String feedbackNotApplied(GateScope scope, GateThresholds.Feedback thresholds) {
    int pairs = scope.heldOutPairs();
    if (pairs <= 0) {
      return "the feedback gates do not apply: no held-out preference pairs in the key's held-out"
          + " pool";
    }
    return "the feedback gates do not apply: "
        + pairs
        + " held-out preference pair(s) in the key's held-out pool, fewer than"
        + " gate.feedback.min.pairs ("
        + thresholds.minPairs()
        + ")";
  }

  /**
   * What the verdict says of the gates with too few paired items ({@link
   * GateInterval#hasTooFewItems}), empty when none has: {@code regression.tenant measured on 1
   * paired item(s), fewer than gate.bootstrap.min.items (8): ...}.
   */
  public static Optional<String> tooFewItems(List<Gate> gates, PairedBootstrap bootstrap) {
    List<String> few =
        gates.stream()
            .filter(GateInterval::hasTooFewItems)
            .map(gate -> gate.getName() + " measured on " + gate.getN() + " paired item(s)")
            .toList();
    if (few.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        String.join(", ", few)
            + ", fewer than gate.bootstrap.min.items ("
            + bootstrap.minItems()
            + "): a bootstrap interval over so few is too narrow to decide on, so neither"
            + " passes nor fails");
  }

  /**
   * The gates with {@value GateNames#EVIDENCE_ROLLOVER} added when they leave the candidate
   * undecided: it passes while the key's data has rolled forward fewer than the allowed times (this
   * rollover included) and fails for an ERASURE or IMPORT job, which already holds all of the key's
   * data and is refused instead. A REBASE candidate left undecided stays undecided (no rollover
   * gate): it already holds the key's whole held-out pool, so nothing rolls, the key stays on the
   * old base and the trainer plans the rebase again once the pool has grown ({@link
   * GateOutcomes#reason(EvaluationOutcome, List, AdapterCandidate)}). Other gates are returned as
   * they are.
   */
  public static List<Gate> withRollover(
      List<Gate> gates, AdapterCandidate candidate, GateThresholds thresholds) {
    if (GateOutcomes.overall(gates) != EvaluationOutcome.INSUFFICIENT_EVIDENCE
        || candidate.getTrigger() == JobTrigger.REBASE) {
      return gates;
    }
    int rollovers = candidate.getCarriedJobs().size() + 1;
    int allowed = holdsAllOfTheKeysData(candidate) ? 0 : thresholds.maxRollovers();
    EvaluationOutcome outcome =
        rollovers <= allowed ? EvaluationOutcome.PASSED : EvaluationOutcome.FAILED;
    List<Gate> all = new ArrayList<>(gates);
    all.add(
        gate(GateNames.EVIDENCE_ROLLOVER, rollovers, allowed, GateComparator.LESS_OR_EQUAL, outcome)
            .setN(rollovers)
            .build());
    return all;
  }

  /**
   * An ERASURE retrain or an IMPORT candidate: its job trained on all of the key's current data.
   */
  private static boolean holdsAllOfTheKeysData(AdapterCandidate candidate) {
    return candidate.getTrigger() == JobTrigger.ERASURE
        || candidate.getTrigger() == JobTrigger.IMPORT;
  }

  /** A count that must reach a minimum: below it the evidence is insufficient, never failed. */
  static Gate count(String name, int count, int minimum) {
    EvaluationOutcome outcome =
        count >= minimum ? EvaluationOutcome.PASSED : EvaluationOutcome.INSUFFICIENT_EVIDENCE;
    return gate(name, count, minimum, GateComparator.GREATER_OR_EQUAL, outcome).setN(count).build();
  }

  /** The gate of nothing measured: insufficient evidence with n 0, never left out. */
  private static Gate unmeasured(String name, double threshold, GateComparator comparator) {
    return gate(name, 0, threshold, comparator, EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        .setN(0)
        .build();
  }

  /** A value against a threshold: passes or fails (never with a NaN). */
  public static Gate point(String name, double value, double threshold, GateComparator comparator) {
    EvaluationOutcome outcome =
        passes(value, threshold, comparator) ? EvaluationOutcome.PASSED : EvaluationOutcome.FAILED;
    return gate(name, value, threshold, comparator, outcome).build();
  }

  /** The gate a candidate fails before any suite runs (a precondition such as its integrity). */
  public static Gate precondition(String name, double value) {
    return gate(name, value, 1.0, GateComparator.GREATER_OR_EQUAL, EvaluationOutcome.FAILED)
        .build();
  }

  /**
   * The gate that leaves a candidate undecided before any suite runs (a precondition its data is
   * not at fault for, such as a parent release that is no longer stable).
   */
  public static Gate undecidedPrecondition(String name) {
    return gate(
            name, 0, 1.0, GateComparator.GREATER_OR_EQUAL, EvaluationOutcome.INSUFFICIENT_EVIDENCE)
        .build();
  }

  /** Whether {@code value} passes against {@code threshold}; never with a NaN. */
  public static boolean passes(double value, double threshold, GateComparator comparator) {
    if (Double.isNaN(value) || Double.isNaN(threshold)) {
      return false;
    }
    return switch (comparator) {
      case GREATER_OR_EQUAL -> value >= threshold;
      case GREATER -> value > threshold;
      case LESS_OR_EQUAL -> value <= threshold;
      case LESS -> value < threshold;
      default -> false;
    };
  }

  private static Gate.Builder gate(
      String name,
      double value,
      double threshold,
      GateComparator comparator,
      EvaluationOutcome outcome) {
    return Gate.newBuilder()
        .setName(name)
        .setValue(value)
        .setThreshold(threshold)
        .setComparator(comparator)
        .setPassed(outcome == EvaluationOutcome.PASSED)
        .setOutcome(outcome);
  }

  /** Statistical gates of one candidate. */
  private record Statistics(Measurements m, PairedBootstrap bootstrap, String candidateId) {

    /**
     * Adds the gate of a proportion (with none of its items, one with insufficient evidence and n
     * 0): the candidate's values count the successes among the trials the reference's values count
     * (each 0 or 1, a success only where there is a trial), with the exact {@link ExactBinomial}
     * interval, since a bootstrap of a count of 0 is [0, 0] however few the trials. n is the
     * trials.
     */
    void addProportionOrInsufficient(
        List<Gate> gates, String name, String items, double threshold, GateComparator comparator) {
      if (!m.hasPaired(items) || m.paired(items).size() == 0) {
        gates.add(unmeasured(name, threshold, comparator));
        return;
      }
      PairedItems counts = m.paired(items);
      int successes = (int) Math.round(Arrays.stream(counts.candidate()).sum());
      int trials = (int) Math.round(Arrays.stream(counts.reference()).sum());
      if (trials == 0 && !counts.hasNaN()) {
        gates.add(undefined(name, counts.size(), threshold, comparator));
        return;
      }
      gates.add(
          decided(
              name,
              ExactBinomial.interval(successes, trials, bootstrap.confidence()),
              threshold,
              comparator));
    }

    /**
     * Adds the gate on its paired items; with none (not measured, or no items) the gate has
     * insufficient evidence with n 0 rather than being left out.
     */
    void addOrInsufficient(
        List<Gate> gates,
        String name,
        String items,
        Effect effect,
        double threshold,
        GateComparator comparator) {
      if (m.hasPaired(items) && m.paired(items).size() > 0) {
        gates.add(gate(name, m.paired(items), effect, threshold, comparator));
      } else {
        gates.add(unmeasured(name, threshold, comparator));
      }
    }

    /**
     * The gate of a bootstrap interval; undecided over fewer items than the minimum, unless a value
     * is NaN (a broken model fails however few its items), and undecided when the effect is
     * undefined over the items (a ratio whose reference sums to 0).
     */
    Gate gate(
        String name,
        PairedItems items,
        Effect effect,
        double threshold,
        GateComparator comparator) {
      if (!items.hasNaN() && Double.isNaN(items.effect(effect))) {
        return undefined(name, items.size(), threshold, comparator);
      }
      if (items.size() < bootstrap.minItems() && !items.hasNaN()) {
        return GateRules.gate(
                name,
                items.effect(effect),
                threshold,
                comparator,
                EvaluationOutcome.INSUFFICIENT_EVIDENCE)
            .setN(items.size())
            .setLower(Double.NaN)
            .setUpper(Double.NaN)
            .setConfidence(bootstrap.confidence())
            .build();
      }
      return decided(
          name,
          PairedIntervals.of(items, effect, bootstrap, seed(candidateId, name)),
          threshold,
          comparator);
    }

    /**
     * The gate of a ratio undefined over its {@code n} items (their reference sums to 0): no
     * estimate, an unbounded interval, undecided whatever the threshold (as {@link PairedBootstrap}
     * leaves a ratio whose draws are undefined beyond a tail).
     */
    private Gate undefined(String name, int n, double threshold, GateComparator comparator) {
      return GateRules.gate(
              name, Double.NaN, threshold, comparator, EvaluationOutcome.INSUFFICIENT_EVIDENCE)
          .setN(n)
          .setLower(Double.NEGATIVE_INFINITY)
          .setUpper(Double.POSITIVE_INFINITY)
          .setConfidence(bootstrap.confidence())
          .build();
    }

    private static Gate decided(
        String name, Interval interval, double threshold, GateComparator comparator) {
      return GateRules.gate(
              name,
              interval.estimate(),
              threshold,
              comparator,
              GateOutcomes.decide(interval, threshold, comparator))
          .setN(interval.n())
          .setLower(interval.lower())
          .setUpper(interval.upper())
          .setConfidence(interval.confidence())
          .build();
    }
  }

  /** The bootstrap seed of a candidate's gate: the same candidate, the same intervals. */
  public static long seed(String candidateId, String gate) {
    byte[] hash =
        Digest.of((candidateId + "\u0000" + gate).getBytes(StandardCharsets.UTF_8)).toBytes();
    return ByteBuffer.wrap(hash, 0, Long.BYTES).getLong();
  }
}
