package dev.perennial.evaluator.config;

/**
 * The thresholds of one tenant's gates (see {@link EvaluatorConfig} for each one's meaning).
 *
 * @param learningMinExamples held-out examples the key's pool needs before learning is judged (gate
 *     learning.examples; fewer is insufficient evidence)
 * @param learningMinGain least relative loss reduction against the base on the pool (gate
 *     learning), at the interval's lower bound
 * @param learningIncumbentMinGain least relative loss reduction against the incumbent on the
 *     candidate's own held-out examples (gate learning.incumbent, for an update that continued the
 *     key's stable release), at the interval's lower bound
 * @param learningEnabled whether the gates learning and learning.incumbent judge candidates at all
 *     (false: left out, and the verdict says they are off by configuration; learning.examples
 *     stays)
 * @param retentionMaxDrop largest drop of general exact match below the base's (retention.general),
 *     at the interval's upper bound
 * @param regressionTolerance largest drop of general exact match below the incumbent's
 *     (regression.general), at the interval's upper bound
 * @param regressionTenantTolerance largest relative loss increase against the incumbent on the
 *     key's earlier held-out examples (regression.tenant), at the interval's upper bound
 * @param leakageMaxExposure highest exposure of another tenant's canary, in bits (leakage)
 * @param maxRollovers how many undecided jobs' data may roll forward together (those a candidate's
 *     job carries, and its own) before the candidate is refused instead (evidence.rollover)
 * @param transferCarryMinRatio least exact-match ratio of a carried-over REBASE candidate on the
 *     key's held-out questions to the old release's on the old base (transfer.tenant), at the lower
 *     bound
 * @param transferDistilMinRatio the same for a distilled REBASE candidate
 * @param transferMaxFlips largest share of the old release's right answers a REBASE candidate gets
 *     wrong (transfer.flips), at the upper bound
 * @param feedback the feedback gates' thresholds (candidates with held-out preference pairs)
 */
public record GateThresholds(
    int learningMinExamples,
    double learningMinGain,
    double learningIncumbentMinGain,
    boolean learningEnabled,
    double retentionMaxDrop,
    double regressionTolerance,
    double regressionTenantTolerance,
    double leakageMaxExposure,
    int maxRollovers,
    double transferCarryMinRatio,
    double transferDistilMinRatio,
    double transferMaxFlips,
    Feedback feedback) {

  /**
   * The feedback gates' thresholds.
   *
   * @param minPairs held-out preference pairs the key's pool needs before the feedback gates judge
   *     a candidate (feedback.pairs; with fewer they do not apply, and the verdict says so)
   * @param minAccuracy least share of pairs whose reward margin against the reference is above 0
   *     (feedback.accuracy), at the lower bound
   * @param chosenTolerance largest relative increase of the chosen answers' loss over the
   *     reference's (feedback.chosen), at the upper bound
   * @param maxDrift largest share of general-set positions whose argmax token differs from the
   *     reference's (feedback.drift), at the upper bound
   * @param maxLengthChange largest share of the greedy answers' length on the pairs' prompts that
   *     lies outside the reference's and the chosen answers' lengths (feedback.length), at the
   *     upper bound
   */
  public record Feedback(
      int minPairs,
      double minAccuracy,
      double chosenTolerance,
      double maxDrift,
      double maxLengthChange) {

    /** The documented defaults. */
    public static final Feedback DEFAULTS =
        new Feedback(
            EvaluatorConfig.GATE_FEEDBACK_MIN_PAIRS_DEFAULT,
            EvaluatorConfig.GATE_FEEDBACK_MIN_ACCURACY_DEFAULT,
            EvaluatorConfig.GATE_FEEDBACK_CHOSEN_TOLERANCE_DEFAULT,
            EvaluatorConfig.GATE_FEEDBACK_MAX_DRIFT_DEFAULT,
            EvaluatorConfig.GATE_FEEDBACK_MAX_LENGTH_CHANGE_DEFAULT);
  }

  /** These thresholds with another leakage threshold. */
  public GateThresholds withLeakageMaxExposure(double bits) {
    return new GateThresholds(
        learningMinExamples,
        learningMinGain,
        learningIncumbentMinGain,
        learningEnabled,
        retentionMaxDrop,
        regressionTolerance,
        regressionTenantTolerance,
        bits,
        maxRollovers,
        transferCarryMinRatio,
        transferDistilMinRatio,
        transferMaxFlips,
        feedback);
  }

  /** These thresholds with another least gain against the incumbent (learning.incumbent). */
  public GateThresholds withLearningIncumbentMinGain(double minGain) {
    return new GateThresholds(
        learningMinExamples,
        learningMinGain,
        minGain,
        learningEnabled,
        retentionMaxDrop,
        regressionTolerance,
        regressionTenantTolerance,
        leakageMaxExposure,
        maxRollovers,
        transferCarryMinRatio,
        transferDistilMinRatio,
        transferMaxFlips,
        feedback);
  }

  /** The thresholds with the learning.incumbent and feedback gates' defaults. */
  public GateThresholds(
      int learningMinExamples,
      double learningMinGain,
      double retentionMaxDrop,
      double regressionTolerance,
      double regressionTenantTolerance,
      double leakageMaxExposure,
      int maxRollovers,
      double transferCarryMinRatio,
      double transferDistilMinRatio,
      double transferMaxFlips) {
    this(
        learningMinExamples,
        learningMinGain,
        EvaluatorConfig.GATE_LEARNING_INCUMBENT_MIN_GAIN_DEFAULT,
        EvaluatorConfig.GATE_LEARNING_ENABLED_DEFAULT,
        retentionMaxDrop,
        regressionTolerance,
        regressionTenantTolerance,
        leakageMaxExposure,
        maxRollovers,
        transferCarryMinRatio,
        transferDistilMinRatio,
        transferMaxFlips,
        Feedback.DEFAULTS);
  }

  /** The thresholds with the learning.incumbent, transfer and feedback gates' defaults. */
  public GateThresholds(
      int learningMinExamples,
      double learningMinGain,
      double retentionMaxDrop,
      double regressionTolerance,
      double regressionTenantTolerance,
      double leakageMaxExposure,
      int maxRollovers) {
    this(
        learningMinExamples,
        learningMinGain,
        retentionMaxDrop,
        regressionTolerance,
        regressionTenantTolerance,
        leakageMaxExposure,
        maxRollovers,
        EvaluatorConfig.GATE_TRANSFER_CARRY_MIN_RATIO_DEFAULT,
        EvaluatorConfig.GATE_TRANSFER_DISTIL_MIN_RATIO_DEFAULT,
        EvaluatorConfig.GATE_TRANSFER_MAX_FLIPS_DEFAULT);
  }
}
