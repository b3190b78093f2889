package dev.perennial.publisher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.retract.ErasureLineage;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.ReleaseManifestFile;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * Writes the manifest of a release from the verdict it is made of: DESIGN.md's lineage (base model
 * and digest, parent release, recipe and seed, data shards and their source offsets), the
 * evaluation (every metric and gate) and the digest of every file. See {@link ReleaseManifest} for
 * the format.
 */
public final class ManifestFactory {

  // Earlier shards the trainer replayed (a field of newer candidates): data, like the shards.
  private static final String REPLAY_SHARDS = "replayShards";

  // How the adapter was made (method, source or teacher release, data digest): a section of its
  // own.
  public static final String LINEAGE = "lineage";

  // The recipe search the job ran (every trial, the winner): a section of its own.
  public static final String SEARCH = "search";

  // Candidate fields that get sections of their own; every other field lands under "candidate",
  // so fields the trainer adds later are recorded without a change here.
  private static final Set<String> OWN_SECTIONS =
      Set.of(
          "adapterKey",
          "tenant",
          "fileDigests",
          "baseModelName",
          "baseModelDigest",
          "parentVersion",
          "shards",
          "heldOutShards",
          REPLAY_SHARDS,
          "exampleCount",
          "tokenCount",
          "recipe",
          "metrics",
          LINEAGE,
          SEARCH,
          ErasureLineage.FIELD);

  private ManifestFactory() {}

  /**
   * @param files the release folder's files and their digests (already checked)
   * @param signingKeyId the id of the key that will sign it
   */
  public static ReleaseManifest create(
      EvaluationVerdict verdict,
      AdapterKey key,
      int version,
      SortedMap<String, Digest> files,
      String signingKeyId,
      Instant publishedAt) {
    AdapterCandidate candidate = verdict.getCandidate();
    ObjectNode candidateJson = AvroJson.toJson(candidate);
    ObjectNode manifest = Json.MAPPER.createObjectNode();
    manifest.put("format", ReleaseManifest.FORMAT);
    manifest.put(ReleaseManifestFile.ADAPTER_KEY_FIELD, key.toString());
    manifest.put("version", version);
    manifest.put("publishedAt", publishedAt.toString());
    manifest.put("signingKey", signingKeyId);
    ObjectNode fileDigests = manifest.putObject("files");
    files.forEach((name, digest) -> fileDigests.put(name, digest.toString()));

    ObjectNode base = manifest.putObject("baseModel");
    base.put("name", candidate.getBaseModelName());
    base.put("digest", Digest.parse(candidate.getBaseModelDigest()).toString());
    manifest.set("parentVersion", candidateJson.get("parentVersion"));
    if (candidateJson.hasNonNull(LINEAGE)) {
      manifest.set(LINEAGE, candidateJson.get(LINEAGE));
    }

    ObjectNode lineage = manifest.putObject("candidate");
    candidateJson
        .fields()
        .forEachRemaining(
            field -> {
              if (!OWN_SECTIONS.contains(field.getKey())) {
                lineage.set(field.getKey(), field.getValue());
              }
            });
    manifest.set("recipe", candidateJson.get("recipe"));
    if (candidateJson.hasNonNull(SEARCH)) {
      manifest.set(SEARCH, candidateJson.get(SEARCH));
    }

    ObjectNode data = manifest.putObject("data");
    data.set("exampleCount", candidateJson.get("exampleCount"));
    data.set("tokenCount", candidateJson.get("tokenCount"));
    data.set("shards", candidateJson.get("shards"));
    data.set("heldOutShards", candidateJson.get("heldOutShards"));
    if (candidateJson.has(REPLAY_SHARDS)) {
      data.set(REPLAY_SHARDS, candidateJson.get(REPLAY_SHARDS));
    }
    manifest.set("training", candidateJson.get("metrics"));

    ObjectNode verdictJson = AvroJson.toJson(verdict);
    ObjectNode evaluation = manifest.putObject("evaluation");
    for (String field : new String[] {"verdictId", "incumbentVersion", "passed", "evaluatedAt"}) {
      evaluation.set(field, verdictJson.get(field));
    }
    evaluation.set("metrics", verdictJson.get("metrics"));
    evaluation.set("gates", verdictJson.get("gates"));
    evaluation.set("report", verdictJson.get("reportLocation"));

    Optional<ErasureLineage> erasure = ErasureLineage.of(candidate);
    erasure.ifPresent(
        lineageOfErasure -> {
          ObjectNode node = manifest.putObject("erasure");
          node.put("requestId", lineageOfErasure.requestId());
          JsonNode versions = Json.MAPPER.valueToTree(lineageOfErasure.replacesVersions());
          node.set("replacesVersions", versions);
        });
    return ReleaseManifest.of(manifest);
  }
}
