package dev.perennial.publisher.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.retract.WeightPurge;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** The JSON documents of the release API. */
final class ReleaseViews {

  private ReleaseViews() {}

  /**
   * A key's summary: latest version, the chosen base (the newest unless asked) and its aliases,
   * every base's aliases newest base first, retracted versions.
   */
  static ObjectNode summary(KeyState state, List<Digest> chosen) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("adapterKey", state.key().toString());
    node.put("latestVersion", state.latestVersion());
    if (chosen.size() == 1) {
      node.set("baseModel", base(state, chosen.get(0)));
      ObjectNode aliases = node.putObject("aliases");
      state.aliases(chosen.get(0)).forEach(aliases::put);
    }
    ArrayNode bases = node.putArray("bases");
    for (Digest base : state.bases()) {
      ObjectNode entry = base(state, base);
      ObjectNode aliases = entry.putObject("aliases");
      state.aliases(base).forEach(aliases::put);
      bases.add(entry);
    }
    ArrayNode retracted = node.putArray("retractedVersions");
    state.retracted().forEach(retracted::add);
    return node;
  }

  static ObjectNode base(KeyState state, Digest base) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("name", state.baseName(base));
    node.put("digest", base.toString());
    return node;
  }

  /**
   * The published versions of a key on the chosen bases, oldest first. A quarantined version (its
   * manifest did not verify when the publisher read it) is listed whatever the base, as {@code
   * quarantined} with why and where its folder is, none of its manifest's fields.
   */
  static ArrayNode versions(
      KeyState state,
      List<Digest> chosen,
      SortedMap<Integer, String> quarantined,
      ReleaseArea area) {
    ArrayNode versions = Json.MAPPER.createArrayNode();
    for (StoredRelease release : state.releases().values()) {
      if (!state.isAnnounced(release.version())) {
        continue;
      }
      String quarantine = quarantined.get(release.version());
      if (quarantine != null) {
        ObjectNode node = versions.addObject();
        node.put("version", release.version());
        node.put("quarantined", true);
        node.put("reason", quarantine);
        node.put("path", area.folder(release.key(), release.version()).toString());
        node.put("relativePath", ReleaseArea.relativePath(release.key(), release.version()));
        node.put("retracted", state.isRetracted(release.version()));
        continue;
      }
      if (!chosen.contains(release.manifest().baseModelDigest())) {
        continue;
      }
      ReleaseManifest manifest = release.manifest();
      ObjectNode node = versions.addObject();
      node.put("version", release.version());
      node.put("quarantined", false);
      node.put("candidateId", manifest.candidateId());
      node.put("publishedAt", manifest.publishedAt().toString());
      node.put("path", area.folder(release.key(), release.version()).toString());
      node.put("relativePath", ReleaseArea.relativePath(release.key(), release.version()));
      node.put("manifestDigest", manifest.digest().toString());
      node.set("baseModel", base(state, manifest.baseModelDigest()));
      node.put("retracted", state.isRetracted(release.version()));
      node.put("purged", PurgeNotice.isPurged(release.folder()));
      ArrayNode aliases = node.putArray("aliases");
      aliasesOf(state, release.version()).forEach(aliases::add);
      ObjectNode metrics = node.putObject("metrics");
      manifest.evaluationMetrics().forEach(metrics::put);
    }
    return versions;
  }

  /**
   * One release as a serving sidecar needs it: where its folder is ({@code path}, absolute on the
   * publisher's machine, and {@code relativePath} to the release area for a mount elsewhere), where
   * its files lie in the artifact store, the manifest, its digest and signature, and the id of the
   * key that signed it.
   */
  static ObjectNode release(KeyState state, StoredRelease release, String alias, ReleaseArea area) {
    ReleaseManifest manifest = release.manifest();
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("adapterKey", state.key().toString());
    if (alias != null) {
      node.put("alias", alias);
    }
    node.put("version", release.version());
    node.set("baseModel", base(state, manifest.baseModelDigest()));
    node.put("retracted", state.isRetracted(release.version()));
    purged(node, release);
    node.put("path", area.folder(release.key(), release.version()).toString());
    node.put("relativePath", ReleaseArea.relativePath(release.key(), release.version()));
    node.put("artifactLocation", manifest.artifactLocation());
    node.put("manifestDigest", manifest.digest().toString());
    node.put(
        "signature",
        Base64.getEncoder().encodeToString(ReleaseArea.readSignature(release.folder())));
    node.put("signingKey", manifest.signingKey());
    ObjectNode files = node.putObject("files");
    manifest.files().forEach((name, digest) -> files.put(name, digest.toString()));
    node.set("manifest", manifest.tree());
    return node;
  }

  /**
   * {@code purged}: whether the release's weights were deleted (retracted, trained on erased data),
   * and then {@code purgedFiles}, the files its signed purge notice names, and {@code retraction},
   * why it was retracted as the notice records it (the erasure request, what became of the retrain;
   * absent when the notice does not record it). The folder passed verification before this is
   * written, so its notice reads.
   */
  private static void purged(ObjectNode node, StoredRelease release) {
    boolean purged = PurgeNotice.isPurged(release.folder());
    node.put("purged", purged);
    if (purged) {
      ArrayNode files = node.putArray("purgedFiles");
      WeightPurge.weightFiles(release.manifest()).keySet().forEach(files::add);
      PurgeNotice.read(release.folder())
          .flatMap(PurgeNotice::retraction)
          .ifPresent(retraction -> node.put("retraction", retraction));
    }
  }

  /** The aliases pointing at a version (on its own base). */
  static List<String> aliasesOf(KeyState state, int version) {
    return state
        .baseOf(version)
        .map(state::aliases)
        .orElse(new java.util.TreeMap<>())
        .entrySet()
        .stream()
        .filter(alias -> alias.getValue() == version)
        .map(Map.Entry::getKey)
        .toList();
  }
}
