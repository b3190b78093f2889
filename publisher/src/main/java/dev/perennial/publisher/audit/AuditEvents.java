package dev.perennial.publisher.audit;

import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The publisher's {@link AuditEvent}s on {@code audit.v1}: one for every decision, refusals
 * included. Event ids of automatic decisions derive from what was decided on (a verdict, a job), so
 * a decision taken again after an aborted transaction carries the same id.
 */
public final class AuditEvents {

  public static final String RELEASE_PUBLISHED = "release-published";
  public static final String RELEASE_REFUSED = "release-refused";
  public static final String RELEASE_DEFERRED = "release-deferred";
  public static final String VERDICT_ALREADY_RELEASED = "verdict-already-released";
  public static final String RELEASE_PROMOTED = "release-promoted";
  public static final String RELEASE_ROLLED_BACK = "release-rolled-back";
  public static final String RELEASE_RETRACTED = "release-retracted";
  public static final String RETRACTION_SCHEDULED = "retraction-scheduled";
  public static final String ERASURE_NOTED = "erasure-noted";

  /**
   * The worker gave up an ERASURE job ({@code job-outcomes.v1}) whose retraction the publisher does
   * not wait for (yet): noted, so that the retraction does not wait when the job is read.
   */
  public static final String ERASURE_JOB_GIVEN_UP = "erasure-job-given-up";

  public static final String RECORD_UNREADABLE = "record-unreadable";
  public static final String KEY_QUARANTINED = "key-quarantined";
  public static final String RECORD_QUARANTINED = "record-quarantined";

  private AuditEvents() {}

  /** An id derived from its parts: the same parts, the same id. */
  public static String derivedId(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  public static AuditEvent event(
      String eventId,
      String adapterKey,
      AuditStage stage,
      String action,
      String actor,
      String reason,
      Map<String, String> details,
      Instant occurredAt) {
    return AuditEvent.newBuilder()
        .setEventId(eventId)
        .setAdapterKey(adapterKey)
        .setStage(stage)
        .setAction(action)
        .setActor(actor)
        .setReason(reason)
        .setDetails(new TreeMap<>(details))
        .setOccurredAt(occurredAt)
        .build();
  }
}
