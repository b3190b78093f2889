package dev.perennial.publisher.retract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.service.FailureText;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.manifest.ManifestException;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.JobGivenUp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An ERASURE job the trainer worker gave up ({@code job-outcomes.v1}): no retrained release and no
 * verdict will come of it. Kept by the {@link RetractionSchedule} when the publisher has not read
 * the job yet ({@code noted}), so that its retraction does not wait when it does. As a file:
 *
 * <pre>{@code
 * {
 *   "format": "perennial.retraction.given-up/v1",
 *   "adapterKey": "acme/support", "jobId": "...", "outcome": "SKIPPED", "skipReason": "SHARD_GONE",
 *   "detail": "...", "workerId": "...", "givenUpAt": "2025-...Z", "notedAt": "2025-...Z"
 * }
 * }</pre>
 *
 * <p>It names no subject: the worker's record carries none, and its {@code detail} names ids,
 * digests and error types only. Its job id and worker id are ids ({@link
 * dev.perennial.core.ids.RecordIds}: a file holding another cannot be read); its detail is kept on
 * one bounded line.
 *
 * @param skipReason why the job was skipped; empty for one that failed on every attempt
 * @param notedAt when the publisher read the give-up
 */
public record GivenUpErasure(
    AdapterKey key,
    String jobId,
    String outcome,
    Optional<String> skipReason,
    String detail,
    String workerId,
    Instant givenUpAt,
    Instant notedAt) {

  public static final String FORMAT = "perennial.retraction.given-up/v1";

  /**
   * The worker's {@code detail} is free text that goes into release reasons, audit events and log
   * lines: kept on one line of at most {@value FailureText#MAX_LENGTH} characters ({@link
   * FailureText#oneLine}), whether read from the record or from a file.
   */
  public GivenUpErasure {
    detail = FailureText.oneLine(detail);
  }

  /** What the worker's record says, read by the publisher at {@code notedAt}. */
  public static GivenUpErasure of(AdapterKey key, JobGivenUp givenUp, Instant notedAt) {
    return new GivenUpErasure(
        key,
        givenUp.getJobId(),
        givenUp.getOutcome().name(),
        Optional.ofNullable(givenUp.getSkipReason()).map(Enum::name),
        givenUp.getDetail(),
        givenUp.getWorkerId(),
        givenUp.getGivenUpAt(),
        notedAt);
  }

  /** Why no retrained release comes, for an audit event's reason. */
  public String why() {
    return "given up by worker "
        + workerId
        + " at "
        + givenUpAt
        + " ("
        + outcome
        + skipReason.map(reason -> " " + reason).orElse("")
        + ": "
        + detail
        + ")";
  }

  /** The give-up in an audit event's details. */
  public void describe(Map<String, String> details) {
    details.put("givenUp", outcome);
    skipReason.ifPresent(reason -> details.put("skipReason", reason));
    details.put("givenUpDetail", detail);
    details.put("givenUpBy", workerId);
    details.put("givenUpAt", givenUpAt.toString());
  }

  byte[] bytes() {
    ObjectNode tree = Json.MAPPER.createObjectNode();
    tree.put("format", FORMAT);
    tree.put("adapterKey", key.toString());
    tree.put("jobId", jobId);
    tree.put("outcome", outcome);
    skipReason.ifPresent(reason -> tree.put("skipReason", reason));
    tree.put("detail", detail);
    tree.put("workerId", workerId);
    tree.put("givenUpAt", givenUpAt.toString());
    tree.put("notedAt", notedAt.toString());
    return Json.bytes(tree);
  }

  /**
   * @throws ManifestException when the bytes are not a given-up job
   */
  static GivenUpErasure parse(byte[] bytes) {
    JsonNode tree = RetractionFile.tree(bytes, FORMAT);
    try {
      JsonNode skipReason = tree.path("skipReason");
      return new GivenUpErasure(
          AdapterKey.parse(tree.path("adapterKey").asText("")),
          RetractionFile.requireId(tree, "jobId"),
          RetractionFile.require(tree, "outcome"),
          skipReason.isTextual() ? Optional.of(skipReason.asText()) : Optional.empty(),
          RetractionFile.require(tree, "detail"),
          RetractionFile.requireId(tree, "workerId"),
          Instant.parse(RetractionFile.require(tree, "givenUpAt")),
          Instant.parse(RetractionFile.require(tree, "notedAt")));
    } catch (ManifestException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ManifestException(e.getMessage(), e);
    }
  }
}
