package dev.perennial.evaluator.config;

/**
 * The thresholds of one tenant's gates (see {@link EvaluatorConfig} for each one's meaning).
 *
 * @param learningMinExamples held-out examples the candidate needs (gate learning.examples)
 * @param learningMinGain least relative loss reduction against the base on them (gate learning)
 * @param retentionMaxDrop largest drop of general exact match below the base's (retention.general)
 * @param regressionTolerance largest drop of general exact match below the incumbent's
 *     (regression.general)
 * @param regressionTenantTolerance largest relative loss increase against the incumbent on the
 *     key's earlier held-out examples (regression.tenant)
 * @param leakageMaxExposure highest exposure of another tenant's canary, in bits (leakage)
 */
public record GateThresholds(
    int learningMinExamples,
    double learningMinGain,
    double retentionMaxDrop,
    double regressionTolerance,
    double regressionTenantTolerance,
    double leakageMaxExposure) {}
