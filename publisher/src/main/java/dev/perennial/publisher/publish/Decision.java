package dev.perennial.publisher.publish;

import dev.perennial.publisher.release.KeyState;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import java.util.List;
import java.util.Optional;

/**
 * What the publisher decided on one input (a verdict, a training job, an operator's command): the
 * records to write in one transaction, and the key's state once they are committed.
 *
 * @param adapterKey the key the records are written under (as the input named it; a verdict's key
 *     that is no id as {@link dev.perennial.core.ids.RecordIds#NOT_SHOWN})
 * @param state the key's state after the decision; empty when it does not change
 */
public record Decision(
    Outcome outcome,
    String adapterKey,
    Optional<KeyState> state,
    List<AdapterRelease> releases,
    List<AuditEvent> audits) {

  /** What kind of decision it was (for metrics and logs). */
  public enum Outcome {
    PUBLISHED,
    REFUSED,
    /** A verdict with insufficient evidence: neither released nor refused, audited. */
    DEFERRED,
    ALREADY_PUBLISHED,
    ALIAS_MOVED,
    RETRACTED,
    RETRACTION_SCHEDULED,
    /** Looked at and audited, nothing to change (e.g. an erasure naming no live release). */
    NOTED,
    UNREADABLE,
    /** A record of a quarantined key, or the one that quarantined it: skipped, audited. */
    QUARANTINED,
    IGNORED
  }

  public Decision {
    releases = List.copyOf(releases);
    audits = List.copyOf(audits);
  }

  /** An input that needs nothing from the publisher (e.g. an ordinary training job). */
  public static Decision ignored(String adapterKey) {
    return new Decision(Outcome.IGNORED, adapterKey, Optional.empty(), List.of(), List.of());
  }
}
