package dev.perennial.publisher.config;

/**
 * What the publisher does for one tenant's releases.
 *
 * @param autoPromote a passed release becomes {@code stable} at once; otherwise it lands on {@code
 *     canary} and an operator promotes it
 * @param retraction when releases trained on erased data are retracted
 */
public record TenantPolicy(boolean autoPromote, RetractionPolicy retraction) {}
