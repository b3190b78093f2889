package dev.perennial.publisher.retract;

import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseEvents;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.ReleaseAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Retracts releases trained on erased data, or that an operator withdraws ({@link
 * RetractCommandProcessor}): each one gets a RETRACTED record (with the key's state after it,
 * aliases fallen back as {@link AliasPolicy#afterRetraction} says) and an audit event that names
 * the weight files purged with it ({@code weightsPurged}, {@code weightsKept}; for a quarantined
 * release, with {@code quarantined} saying why its manifest is not believed, the weight files its
 * folder holds, which are what the purge deletes). Once those records are committed, {@link
 * WeightPurge} deletes the weights; the folder keeps the signed manifest for the record, and is
 * never served again.
 */
public final class Retractions {

  private Retractions() {}

  /**
   * What retracting did.
   *
   * @param retracted versions retracted now
   * @param alreadyRetracted versions that were retracted before
   * @param unknown versions the key never published (above its latest announced version); an
   *     announced version whose folder cannot be read is retracted all the same
   */
  public record Result(
      KeyState state,
      List<AdapterRelease> releases,
      List<AuditEvent> audits,
      List<Integer> retracted,
      List<Integer> alreadyRetracted,
      List<Integer> unknown) {}

  /**
   * Retracts the versions a {@code replacement} wait names without the replacement it waited for,
   * as the {@code immediate} policy would have: the reason names the erasure request, then {@code
   * why}; the audit's details name the schedule, {@code replacedBy: none} and {@code more}.
   *
   * @param cause what ended the wait, which makes the audit event's source unique per schedule
   * @return a RETRACTED decision, without releases when none is left to retract
   */
  static Decision withoutReplacement(
      KeyState state,
      ScheduledRetraction scheduled,
      String why,
      Map<String, String> more,
      String cause,
      String actor,
      Instant now) {
    Map<String, String> details = new TreeMap<>(more);
    details.put("jobId", scheduled.jobId());
    details.put("erasureRequestId", scheduled.erasureRequestId());
    details.put("affectedVersions", scheduled.versions().toString());
    details.put("scheduledAt", scheduled.scheduledAt().toString());
    details.put("replacedBy", "none");
    Result result =
        retract(
            state,
            scheduled.versions(),
            "trained on data erased by request " + scheduled.erasureRequestId() + "; " + why,
            details,
            scheduled.jobId() + "\u0000" + cause,
            actor,
            now);
    return new Decision(
        Outcome.RETRACTED,
        scheduled.key().toString(),
        Optional.of(result.state()),
        result.releases(),
        result.audits());
  }

  /**
   * The publisher's own retraction (its audit events' stage PUBLISHER).
   *
   * @param source what the decision is about (the verdict or job id), for stable audit event ids
   * @param details added to every audit event
   */
  public static Result retract(
      KeyState state,
      Collection<Integer> versions,
      String reason,
      Map<String, String> details,
      String source,
      String actor,
      Instant at) {
    return retract(state, versions, reason, details, source, AuditStage.PUBLISHER, actor, at);
  }

  /**
   * @param stage who decided it: the publisher (an erasure) or an operator ({@link
   *     RetractCommandProcessor})
   */
  static Result retract(
      KeyState state,
      Collection<Integer> versions,
      String reason,
      Map<String, String> details,
      String source,
      AuditStage stage,
      String actor,
      Instant at) {
    KeyState current = state;
    List<AdapterRelease> releases = new ArrayList<>();
    List<AuditEvent> audits = new ArrayList<>();
    List<Integer> retracted = new ArrayList<>();
    List<Integer> alreadyRetracted = new ArrayList<>();
    List<Integer> unknown = new ArrayList<>();
    for (int version : new TreeSet<>(versions)) {
      if (version > current.latestVersion()) {
        unknown.add(version);
        continue;
      }
      if (current.isRetracted(version)) {
        alreadyRetracted.add(version);
        continue;
      }
      Object aliasesBefore = current.baseAliases();
      current = AliasPolicy.afterRetraction(current, version);
      releases.add(ReleaseEvents.record(current, version, ReleaseAction.RETRACTED, reason, at));
      Map<String, String> auditDetails = new TreeMap<>(details);
      auditDetails.put("version", Integer.toString(version));
      auditDetails.put("aliasesBefore", aliasesBefore.toString());
      auditDetails.put("aliasesAfter", current.baseAliases().toString());
      Optional<String> quarantine = current.quarantine(version);
      boolean unread = current.release(version).isEmpty();
      if (unread) {
        // announced, but its folder could not be read at start: retracted all the same, so it is
        // never served, and purged at the first start that reads it (WeightPurge)
        auditDetails.put("folderUnreadable", "true");
        auditDetails.put("weightsPurged", "(none now: its folder cannot be read)");
      } else if (quarantine.isPresent()) {
        // its manifest's file list is not believed: WeightPurge purges what its folder holds
        auditDetails.put("quarantined", quarantine.get());
        current
            .release(version)
            .ifPresent(release -> putFolderWeights(auditDetails, release.folder()));
      } else {
        current.release(version).ifPresent(release -> putWeights(auditDetails, release));
      }
      audits.add(
          AuditEvents.event(
              AuditEvents.derivedId(
                  source, AuditEvents.RELEASE_RETRACTED, Integer.toString(version)),
              state.key().toString(),
              stage,
              AuditEvents.RELEASE_RETRACTED,
              actor,
              reason
                  + (unread
                      ? "; its release folder cannot be read, so nothing of it is purged now: it is"
                          + " never served again, and its weights are purged at the first start of"
                          + " the publisher that reads it"
                      : quarantine.isPresent()
                          ? "; its manifest is quarantined, so the weight files its folder holds"
                              + " are purged, not those the manifest names"
                          : "; its adapter weights are purged, its signed manifest stays"),
              auditDetails,
              at));
      retracted.add(version);
    }
    return new Result(current, releases, audits, retracted, alreadyRetracted, unknown);
  }

  /** {@code weightsPurged} and {@code weightsKept}, as the release's manifest lists its files. */
  private static void putWeights(Map<String, String> details, StoredRelease release) {
    details.put(
        "weightsPurged", String.join(",", WeightPurge.weightFiles(release.manifest()).keySet()));
    details.put(
        "weightsKept", kept(release.manifest().files().containsKey(WeightPurge.ADAPTER_CONFIG)));
  }

  /**
   * {@code weightsPurged} and {@code weightsKept} of a quarantined release: the weight files its
   * folder holds now ({@link FolderDigests#weightFileNames}), which {@link WeightPurge} deletes
   * once the retraction is committed, whatever its manifest lists. A folder that cannot be listed
   * is said so: the retraction is not held up by it.
   */
  private static void putFolderWeights(Map<String, String> details, Path folder) {
    try {
      details.put("weightsPurged", String.join(",", FolderDigests.weightFileNames(folder)));
    } catch (PublisherException e) {
      details.put("weightsPurged", "(the weight files its folder holds: it cannot be listed now)");
    }
    details.put(
        "weightsKept", kept(Files.isRegularFile(folder.resolve(WeightPurge.ADAPTER_CONFIG))));
  }

  /** The files a purged release folder keeps. */
  private static String kept(boolean adapterConfig) {
    return ReleaseManifest.FILE_NAME
        + ","
        + ReleaseManifest.SIGNATURE_FILE_NAME
        + ","
        + PurgeNotice.FILE_NAME
        + ","
        + PurgeNotice.SIGNATURE_FILE_NAME
        + (adapterConfig ? "," + WeightPurge.ADAPTER_CONFIG : "");
  }
}
