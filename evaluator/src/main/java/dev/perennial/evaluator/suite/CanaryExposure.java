package dev.perennial.evaluator.suite;

/**
 * The exposure of one canary under the candidate, and under the base for reference (NaN when the
 * base was not measured). Reports name the canary by its label, never by its secret.
 *
 * @param own whether the canary is the candidate's own tenant's (reported, not gated)
 */
public record CanaryExposure(String label, boolean own, Exposure exposure, double baseBits) {}
