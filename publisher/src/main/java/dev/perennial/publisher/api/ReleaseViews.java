package dev.perennial.publisher.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.StoredRelease;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The JSON documents of the release API. */
final class ReleaseViews {

  private ReleaseViews() {}

  /** A key's summary: latest version, aliases, retracted versions. */
  static ObjectNode summary(KeyState state) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("adapterKey", state.key().toString());
    node.put("latestVersion", state.latestVersion());
    ObjectNode aliases = node.putObject("aliases");
    state.aliases().forEach(aliases::put);
    ArrayNode retracted = node.putArray("retractedVersions");
    state.retracted().forEach(retracted::add);
    return node;
  }

  /** Every published version of a key, oldest first. */
  static ArrayNode versions(KeyState state, ReleaseArea area) {
    ArrayNode versions = Json.MAPPER.createArrayNode();
    for (StoredRelease release : state.releases().values()) {
      if (!state.isAnnounced(release.version())) {
        continue;
      }
      ReleaseManifest manifest = release.manifest();
      ObjectNode node = versions.addObject();
      node.put("version", release.version());
      node.put("candidateId", manifest.candidateId());
      node.put("publishedAt", manifest.publishedAt().toString());
      node.put("path", area.folder(release.key(), release.version()).toString());
      node.put("relativePath", ReleaseArea.relativePath(release.key(), release.version()));
      node.put("manifestDigest", manifest.digest().toString());
      node.put("retracted", state.isRetracted(release.version()));
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
    node.put("retracted", state.isRetracted(release.version()));
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

  static List<String> aliasesOf(KeyState state, int version) {
    return state.aliases().entrySet().stream()
        .filter(alias -> alias.getValue() == version)
        .map(Map.Entry::getKey)
        .toList();
  }
}
