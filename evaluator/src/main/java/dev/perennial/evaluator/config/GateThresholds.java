package dev.perennial.evaluator.config;

/**
 * The thresholds of one tenant's gates (see {@link EvaluatorConfig} for each one's meaning).
 *
 * @param learningMinExamples held-out examples the key's pool needs before learning is judged (gate
 *     learning.examples; fewer is insufficient evidence)
 * @param learningMinGain least relative loss reduction against the base on the pool (gate
 *     learning), at the interval's lower bound
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
 */
public record GateThresholds(
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

  /** The thresholds with the transfer gates' defaults. */
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
