package dev.perennial.ingest.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * A subject's current decision on the training purpose, as ingest keeps it in its consent store:
 * granted or not, since when, under which policy, and which {@code consent.v1} record said so. A
 * state that is not granted is the deletion marker a revocation leaves: events of the subject are
 * rejected as {@code ERASED_SUBJECT} until a new grant replaces it. A deleted consent record (a
 * tombstone) leaves no state at all: the subject's entry is removed.
 *
 * @param policyVersion the consent text's version, or null if the app does not track it
 */
public record ConsentState(
    boolean granted,
    Instant changedAt,
    String policyVersion,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset) {

  public ConsentState {
    Objects.requireNonNull(changedAt, "changedAt");
    Objects.requireNonNull(sourceTopic, "sourceTopic");
  }

  /**
   * The consent decision an example was admitted under, as {@code <topic>-<partition>@<offset>} of
   * the granting {@code consent.v1} record: exact, and the record can be read back.
   */
  public String version() {
    return sourceTopic + "-" + sourcePartition + "@" + sourceOffset;
  }
}
