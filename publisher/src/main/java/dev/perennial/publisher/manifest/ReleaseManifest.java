package dev.perennial.publisher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import dev.perennial.schemas.release.ReleaseManifestFile;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.JobTrigger;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A release's {@code manifest.json}: its exact bytes (what {@code manifest.sig} signs) and the
 * fields the publisher reads back. The format (fields in this order):
 *
 * <pre>{@code
 * {
 *   "format": "perennial.release.manifest/v1",
 *   "adapterKey": "acme/support", "version": 3, "publishedAt": "2025-...Z",
 *   "signingKey": "sha256:<hex of the public key's X.509 encoding>",
 *   "files": {"adapter_config.json": "sha256:...", "adapter_model.safetensors": "sha256:..."},
 *   "baseModel": {"name": "...", "digest": "sha256:..."},
 *   "parentVersion": 2,                           // null: trained from the base model alone
 *   "candidate": {"candidateId", "jobId", "location", "trainerVersion", "device", ...},
 *   "recipe": {"seed", "epochs", "learningRate", "loraRank", ...},   // every recipe field
 *   "search": {"winner", "fullSteps", "trialSteps", "rankedBy", "trials": [{"variant", "recipe",
 *              "seed", "round", "steps", "gatesPassed", "learningGain", "droppedInRound"}]},
 *                                                 // only when the job searched its recipe
 *   "data": {"exampleCount", "tokenCount", "shards": [{"digest", "exampleCount", "tokenCount",
 *            "offsetRanges": [{"topic", "partition", "fromOffset", "toOffset"}]}], "heldOutShards"},
 *   "training": {"steps", "initialLoss", "finalLoss", "lossCurve", ...},
 *   "evaluation": {"verdictId", "incumbentVersion", "passed", "evaluatedAt", "metrics",
 *                  "gates": [{"name", "value", "threshold", "comparator", "passed"}], "report"},
 *   "erasure": {"requestId", "replacesVersions": [1, 2]}   // retrains only
 * }
 * }</pre>
 *
 * <p>The erasure section never names the erased subject (a manifest is kept and served for good);
 * manifests published before that still carry a {@code subjectPseudonym}, which nothing reads.
 */
public final class ReleaseManifest {

  public static final String FILE_NAME = ReleaseManifestFile.NAME;
  public static final String SIGNATURE_FILE_NAME = "manifest.sig";
  public static final String FORMAT = "perennial.release.manifest/v1";

  private final byte[] bytes;
  private final ObjectNode tree;
  private final AdapterKey adapterKey;
  private final int version;
  private final SortedMap<String, Digest> files;

  private ReleaseManifest(byte[] bytes, ObjectNode tree) {
    this.bytes = bytes;
    this.tree = tree;
    String format = text("format");
    if (!FORMAT.equals(format)) {
      throw new ManifestException("Manifest format is '" + format + "', expected " + FORMAT);
    }
    try {
      this.adapterKey = AdapterKey.parse(text(ReleaseManifestFile.ADAPTER_KEY_FIELD));
    } catch (InvalidAdapterKeyException e) {
      throw new ManifestException("Manifest field adapterKey: " + e.getMessage(), e);
    }
    this.version = number("version").intValue();
    this.files = readFiles(required("files"));
  }

  /** The manifest a tree describes, written as {@link Json#bytes}. */
  public static ReleaseManifest of(ObjectNode tree) {
    return new ReleaseManifest(Json.bytes(tree), tree.deepCopy());
  }

  /**
   * Reads manifest bytes.
   *
   * @throws ManifestException when they are not JSON or lack a field every manifest has
   */
  public static ReleaseManifest parse(byte[] bytes) {
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new ManifestException("Manifest is not JSON: " + e.getMessage(), e);
    }
    if (!(tree instanceof ObjectNode object)) {
      throw new ManifestException("Manifest is not a JSON object");
    }
    return new ReleaseManifest(bytes.clone(), object);
  }

  /** The exact file bytes: what the signature covers. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public Digest digest() {
    return Digest.of(bytes);
  }

  /** A copy of the parsed document. */
  public ObjectNode tree() {
    return tree.deepCopy();
  }

  public AdapterKey adapterKey() {
    return adapterKey;
  }

  public int version() {
    return version;
  }

  /** The digest of every file of the release folder besides the manifest and its signature. */
  public SortedMap<String, Digest> files() {
    return Collections.unmodifiableSortedMap(files);
  }

  /** The id of the key that signed it ({@code sha256:...}). */
  public String signingKey() {
    return text("signingKey");
  }

  public Instant publishedAt() {
    String text = text("publishedAt");
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new ManifestException("Manifest field publishedAt is not an instant: " + text, e);
    }
  }

  public String candidateId() {
    return textAt("candidate", "candidateId");
  }

  /**
   * Where the adapter's files lie in the artifact store, as the candidate gave it (the trainer's
   * {@code sha256:} folder index): the same files, by digest, as the release folder's.
   */
  public String artifactLocation() {
    return textAt("candidate", "location");
  }

  /** Whether the release was made of a REBASE candidate (moved onto its base from another). */
  public boolean rebased() {
    return JobTrigger.REBASE.name().equals(tree.path("candidate").path("trigger").asText());
  }

  public String baseModelName() {
    return textAt("baseModel", "name");
  }

  public Digest baseModelDigest() {
    return digest("baseModel.digest", textAt("baseModel", "digest"));
  }

  /**
   * The digest of the tokenizer files the release was trained with, as its recipe recorded it
   * ({@value StableRelease#RECIPE_TOKENIZER_DIGEST}); empty for a release trained before recipes
   * recorded it.
   */
  public Optional<String> baseTokenizerDigest() {
    JsonNode node = tree.path("recipe").path("extras").path(StableRelease.RECIPE_TOKENIZER_DIGEST);
    return node.isTextual() ? Optional.of(node.textValue()) : Optional.empty();
  }

  /** The verdict's metrics, by name (empty when the manifest has none). */
  public SortedMap<String, Double> evaluationMetrics() {
    SortedMap<String, Double> metrics = new TreeMap<>();
    JsonNode node = tree.path("evaluation").path("metrics");
    node.fields()
        .forEachRemaining(
            entry -> {
              if (entry.getValue().isNumber()) {
                metrics.put(entry.getKey(), entry.getValue().doubleValue());
              }
            });
    return metrics;
  }

  private String text(String field) {
    JsonNode node = required(field);
    if (!node.isTextual()) {
      throw new ManifestException("Manifest field " + field + " is not text");
    }
    return node.textValue();
  }

  private Number number(String field) {
    JsonNode node = required(field);
    if (!node.isIntegralNumber()) {
      throw new ManifestException("Manifest field " + field + " is not a whole number");
    }
    return node.numberValue();
  }

  private String textAt(String object, String field) {
    JsonNode node = required(object).path(field);
    if (!node.isTextual()) {
      throw new ManifestException("Manifest field " + object + "." + field + " is missing");
    }
    return node.textValue();
  }

  private JsonNode required(String field) {
    JsonNode node = tree.get(field);
    if (node == null || node.isNull()) {
      throw new ManifestException("Manifest field " + field + " is missing");
    }
    return node;
  }

  private static SortedMap<String, Digest> readFiles(JsonNode node) {
    if (!node.isObject() || node.isEmpty()) {
      throw new ManifestException("Manifest field files must list at least one file");
    }
    SortedMap<String, Digest> files = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
      files.put(entry.getKey(), digest("files." + entry.getKey(), entry.getValue().asText()));
    }
    return files;
  }

  private static Digest digest(String field, String text) {
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ManifestException("Manifest field " + field + ": " + e.getMessage(), e);
    }
  }
}
