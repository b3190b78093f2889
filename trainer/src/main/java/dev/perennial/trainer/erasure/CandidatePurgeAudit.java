package dev.perennial.trainer.erasure;

import dev.perennial.core.crypto.Digest;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The {@code audit.v1} event of one {@link UnreleasedWeights.Purge}: which candidate, which erasure
 * request, which blobs went and which were kept as shared. It names the request, never the erased
 * subject. Its id derives from the key and the candidate (a candidate is purged once), so a purge
 * done again after an aborted transaction carries the same id.
 */
public final class CandidatePurgeAudit {

  public static final String ACTION = "candidate-weights-purged";

  private CandidatePurgeAudit() {}

  public static AuditEvent event(UnreleasedWeights.Purge purge, String actor, Instant occurredAt) {
    Map<String, String> details = new TreeMap<>();
    details.put("candidateId", purge.candidate().candidateId());
    details.put("jobId", purge.candidate().jobId());
    details.put("erasureRequestId", purge.mark().requestId());
    details.put("purgedBlobs", joined(purge.delete()));
    details.put("keptShared", joined(purge.shared()));
    return AuditEvent.newBuilder()
        .setEventId(
            UUID.nameUUIDFromBytes(
                    String.join(
                            "\u0000", ACTION, purge.adapterKey(), purge.candidate().candidateId())
                        .getBytes(StandardCharsets.UTF_8))
                .toString())
        .setAdapterKey(purge.adapterKey())
        .setStage(AuditStage.TRAINER)
        .setAction(ACTION)
        .setActor(actor)
        .setReason(
            "never released and trained on data erased by request "
                + purge.mark().requestId()
                + " (directly or through the release it started from); its weights are deleted"
                + " from the artifact store")
        .setDetails(details)
        .setOccurredAt(occurredAt)
        .build();
  }

  private static String joined(List<String> blobs) {
    return String.join(",", blobs.stream().map(hex -> Digest.parse(hex).toString()).toList());
  }
}
