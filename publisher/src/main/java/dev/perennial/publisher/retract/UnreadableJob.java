package dev.perennial.publisher.retract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.service.FailureText;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ManifestException;
import dev.perennial.schemas.key.AdapterKey;
import java.time.Instant;

/**
 * A {@code training-jobs.v1} record under an adapter key that the publisher could not read
 * (corrupt, unknown schema). It may have been an ERASURE job, whose retraction would be lost with
 * it, so its key stays quarantined for as long as it is kept by the {@link RetractionSchedule}: an
 * operator lifts it by removing the file. As a file:
 *
 * <pre>{@code
 * {
 *   "format": "perennial.retraction.unreadable-job/v1",
 *   "adapterKey": "acme/support", "topic": "perennial.training-jobs.v1", "partition": 0,
 *   "offset": 42, "problem": "...", "keptAt": "2025-...Z"
 * }
 * }</pre>
 *
 * @param problem why the record could not be read, on one bounded line
 */
public record UnreadableJob(
    AdapterKey key, String topic, int partition, long offset, String problem, Instant keptAt) {

  public static final String FORMAT = "perennial.retraction.unreadable-job/v1";

  public UnreadableJob {
    problem = FailureText.oneLine(problem);
  }

  /** The record's position, {@code topic-partition@offset}. */
  public String position() {
    return topic + "-" + partition + "@" + offset;
  }

  /** Why its key is quarantined, as the quarantine, readiness and audit event say it. */
  public String why() {
    return "training job "
        + position()
        + " cannot be read and may be an ERASURE job: nothing more is released under the key"
        + " until an operator lifts it (README, Erasure): "
        + problem;
  }

  /** The file's name in the schedule: one per key and position. */
  String id() {
    return key + "\u0000" + position();
  }

  byte[] bytes() {
    ObjectNode tree = Json.MAPPER.createObjectNode();
    tree.put("format", FORMAT);
    tree.put("adapterKey", key.toString());
    tree.put("topic", topic);
    tree.put("partition", partition);
    tree.put("offset", offset);
    tree.put("problem", problem);
    tree.put("keptAt", keptAt.toString());
    return Json.bytes(tree);
  }

  /**
   * @throws ManifestException when the bytes are not an unreadable job
   */
  static UnreadableJob parse(byte[] bytes) {
    JsonNode tree = RetractionFile.tree(bytes, FORMAT);
    try {
      if (!tree.path("partition").canConvertToInt() || !tree.path("offset").canConvertToLong()) {
        throw new ManifestException("partition or offset is missing");
      }
      return new UnreadableJob(
          AdapterKey.parse(tree.path("adapterKey").asText("")),
          RetractionFile.requireId(tree, "topic"),
          tree.path("partition").asInt(),
          tree.path("offset").asLong(),
          RetractionFile.require(tree, "problem"),
          Instant.parse(RetractionFile.require(tree, "keptAt")));
    } catch (ManifestException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ManifestException(e.getMessage(), e);
    }
  }
}
