package dev.perennial.publisher.release;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.manifest.LineageJson;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.BaseAliases;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link AdapterRelease} records of {@code releases.v1}: one action and the key's whole state
 * after it, so the latest record of a key (the topic is compacted) tells a serving stack what to
 * load. Digests are lower-case hex, as in the candidates; {@code location} is where the adapter's
 * files lie in the artifact store, as its candidate gave it (the trainer's {@code sha256:} folder
 * index: the same blobs the release folder holds copies of); {@code baseTokenizerDigest} is the
 * tokenizer digest the version's manifest recipe records, as the candidate gave it ({@code
 * sha256:<hex>}), absent when it records none. The release folder itself is {@code <release
 * area>/<tenant>/<adapter>/v<N>} ({@link ReleaseArea#relativePath}).
 *
 * <p>A quarantined release ({@link KeyState#quarantine}: its manifest did not verify when the
 * publisher read it) is never named from its manifest: it is left out of {@code aliasTargets} (an
 * alias on it stays in {@code aliases} and {@code baseAliases}, which the publisher rebuilds its
 * state from, so {@code StableRelease} finds no release to continue there), and its own record,
 * which only a retraction writes, carries empty strings for location, digests, base and candidate,
 * no file digests and no lineage, with the quarantine in its reason.
 */
public final class ReleaseEvents {

  private ReleaseEvents() {}

  /**
   * The record of {@code action} on {@code version}, with {@code state} being the state after it.
   */
  public static AdapterRelease record(
      KeyState state, int version, ReleaseAction action, String reason, Instant occurredAt) {
    Optional<StoredRelease> read = state.release(version);
    if (read.isEmpty() && action == ReleaseAction.RETRACTED && version <= state.latestVersion()) {
      return withoutManifest(
          state,
          version,
          action,
          reason,
          occurredAt,
          "v" + version + "'s release folder cannot be read (its manifest could not at start)");
    }
    StoredRelease release =
        read.orElseThrow(
            () -> new PublisherException(state.key() + " has no release folder v" + version));
    if (state.isQuarantined(version)) {
      return withoutManifest(
          state,
          version,
          action,
          reason,
          occurredAt,
          "v" + version + " is quarantined (" + state.quarantine(version).orElseThrow() + ")");
    }
    Map<String, String> files = new TreeMap<>();
    release.manifest().files().forEach((name, digest) -> files.put(name, digest.hex()));
    return common(state, version, action, reason, occurredAt)
        .setLocation(release.manifest().artifactLocation())
        .setManifestDigest(release.manifest().digest().hex())
        .setFileDigests(files)
        .setBaseModelName(release.manifest().baseModelName())
        .setBaseModelDigest(release.manifest().baseModelDigest().hex())
        .setBaseTokenizerDigest(release.manifest().baseTokenizerDigest().orElse(null))
        .setCandidateId(release.manifest().candidateId())
        .setLineage(LineageJson.of(release.manifest().tree()).orElse(null))
        .build();
  }

  /**
   * The record of a retraction of a release whose manifest is not believed (quarantined) or could
   * not be read (an announced version whose folder the start could not read): none of its
   * manifest's fields, and {@code unbelieved} (why) in its reason.
   */
  private static AdapterRelease withoutManifest(
      KeyState state,
      int version,
      ReleaseAction action,
      String reason,
      Instant occurredAt,
      String unbelieved) {
    if (action != ReleaseAction.RETRACTED) {
      throw new PublisherException(
          state.key() + " " + unbelieved + ": no " + action + " record names it");
    }
    String why = unbelieved + ", so this record names none of its manifest's fields";
    return common(state, version, action, reason == null ? why : reason + "; " + why, occurredAt)
        .setLocation("")
        .setManifestDigest("")
        .setFileDigests(new TreeMap<>())
        .setBaseModelName("")
        .setBaseModelDigest("")
        .setBaseTokenizerDigest(null)
        .setCandidateId("")
        .setLineage(null)
        .build();
  }

  /** The fields that do not come from the version's manifest: the key's state after the action. */
  private static AdapterRelease.Builder common(
      KeyState state, int version, ReleaseAction action, String reason, Instant occurredAt) {
    List<ReleaseRef> targets = new ArrayList<>();
    for (int target : state.aliasedVersions()) {
      if (state.isQuarantined(target)) {
        continue; // never sends anyone to what a manifest that does not verify names
      }
      StoredRelease aliased =
          state
              .release(target)
              .orElseThrow(
                  () -> new PublisherException(state.key() + " alias on missing v" + target));
      targets.add(
          ReleaseRef.newBuilder()
              .setVersion(target)
              .setLocation(aliased.manifest().artifactLocation())
              .setManifestDigest(aliased.manifest().digest().hex())
              .setBaseModelDigest(aliased.manifest().baseModelDigest().hex())
              .setBaseTokenizerDigest(aliased.manifest().baseTokenizerDigest().orElse(null))
              .build());
    }
    return AdapterRelease.newBuilder()
        .setAdapterKey(state.key().toString())
        .setVersion(version)
        .setAction(action)
        .setReason(reason)
        .setLatestVersion(state.latestVersion())
        .setAliases(new TreeMap<>(state.aliases()))
        .setAliasTargets(targets)
        .setBaseAliases(baseAliases(state))
        .setRetractedVersions(new ArrayList<>(state.retracted()))
        .setUnannouncedVersions(new ArrayList<>(state.unannounced()))
        .setOccurredAt(occurredAt);
  }

  /**
   * Every base's aliases, newest base first, then those on a base only quarantined releases are on
   * (kept, so that the publisher's next start rebuilds them).
   */
  private static List<BaseAliases> baseAliases(KeyState state) {
    List<BaseAliases> bases = new ArrayList<>();
    Set<Digest> order = new LinkedHashSet<>(state.bases());
    order.addAll(state.baseAliases().keySet());
    for (Digest base : order) {
      if (!state.aliases(base).isEmpty()) {
        bases.add(
            BaseAliases.newBuilder()
                .setBaseModelName(state.baseName(base))
                .setBaseModelDigest(base.hex())
                .setAliases(new TreeMap<>(state.aliases(base)))
                .build());
      }
    }
    return bases;
  }

  /** The digest of a record's {@code manifestDigest}, hex or {@code sha256:} form. */
  public static Digest manifestDigest(AdapterRelease record) {
    return Digest.parse(record.getManifestDigest());
  }
}
