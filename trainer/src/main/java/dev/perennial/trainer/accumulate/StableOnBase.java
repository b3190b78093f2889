package dev.perennial.trainer.accumulate;

/**
 * A key's stable release on one base, as its latest {@code releases.v1} record tells it.
 *
 * @param baseDigest the base's digest, lower-case hex
 */
public record StableOnBase(
    String baseDigest, String baseName, int version, String location, String manifestDigest) {}
