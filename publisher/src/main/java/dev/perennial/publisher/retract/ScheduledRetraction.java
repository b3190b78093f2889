package dev.perennial.publisher.retract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ManifestException;
import dev.perennial.schemas.key.AdapterKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A retraction that waits, under the {@code replacement} policy, for an ERASURE job's retrained
 * release: the releases of the key trained on the erased data, and when the wait began. As a file
 * of the {@link RetractionSchedule}:
 *
 * <pre>{@code
 * {
 *   "format": "perennial.retraction.scheduled/v1",
 *   "adapterKey": "acme/support", "jobId": "...", "erasureRequestId": "...",
 *   "versions": [2, 3], "scheduledAt": "2025-...Z", "held": true
 * }
 * }</pre>
 *
 * <p>It names no subject: the erasure request's id, as the audit events do.
 *
 * @param held the ERASURE job was read while its key was quarantined, under a policy that retracts
 *     at once (or with nothing to retrain, or given up): it waits for no replacement, only for the
 *     key's state to be known again ({@link RetractionDeadlines}); absent in the file: false
 */
public record ScheduledRetraction(
    AdapterKey key,
    String jobId,
    String erasureRequestId,
    List<Integer> versions,
    Instant scheduledAt,
    boolean held) {

  public static final String FORMAT = "perennial.retraction.scheduled/v1";

  public ScheduledRetraction {
    versions = List.copyOf(new TreeSet<>(versions));
  }

  /** A retraction that waits for its job's retrained release. */
  public ScheduledRetraction(
      AdapterKey key,
      String jobId,
      String erasureRequestId,
      List<Integer> versions,
      Instant scheduledAt) {
    this(key, jobId, erasureRequestId, versions, scheduledAt, false);
  }

  byte[] bytes() {
    ObjectNode tree = Json.MAPPER.createObjectNode();
    tree.put("format", FORMAT);
    tree.put("adapterKey", key.toString());
    tree.put("jobId", jobId);
    tree.put("erasureRequestId", erasureRequestId);
    ArrayNode named = tree.putArray("versions");
    versions.forEach(named::add);
    tree.put("scheduledAt", scheduledAt.toString());
    if (held) {
      tree.put("held", true);
    }
    return Json.bytes(tree);
  }

  /**
   * @throws ManifestException when the bytes are not a scheduled retraction
   */
  static ScheduledRetraction parse(byte[] bytes) {
    JsonNode tree = RetractionFile.tree(bytes, FORMAT);
    try {
      List<Integer> versions = new ArrayList<>();
      for (JsonNode version : tree.path("versions")) {
        if (!version.canConvertToInt()) {
          throw new ManifestException("versions: " + version + " is not a version");
        }
        versions.add(version.asInt());
      }
      return new ScheduledRetraction(
          AdapterKey.parse(tree.path("adapterKey").asText("")),
          RetractionFile.requireId(tree, "jobId"),
          RetractionFile.requireId(tree, "erasureRequestId"),
          versions,
          Instant.parse(RetractionFile.require(tree, "scheduledAt")),
          tree.path("held").asBoolean(false));
    } catch (ManifestException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ManifestException(e.getMessage(), e);
    }
  }
}
