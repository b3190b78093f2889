package dev.perennial.ingest.deadletter;

import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SourceRef;
import java.time.Instant;

/**
 * How a record that cannot be read is dead-lettered, wherever it is found (the deserialization
 * handler for events, {@code ConsentReader} for consent): its key's and value's bytes only if
 * configured to keep them, and only up to {@code maxKeptBytes}, so that no dead letter outgrows
 * what the producer may write.
 *
 * @param keepBytes whether rejections of unreadable records keep their bytes
 * @param maxKeptBytes the most key and value bytes a rejection keeps
 */
public record UnreadableRejections(boolean keepBytes, long maxKeptBytes) {

  private static final int MAX_MESSAGE = 500;

  /** As {@code config} says; the config's size check keeps three such texts within a request. */
  public static UnreadableRejections of(IngestConfig config) {
    return new UnreadableRejections(config.rejectedKeepBytes(), 2L * config.maxTextBytes());
  }

  /**
   * Why a record is unreadable, as its rejection says: {@code UNKNOWN_SCHEMA} or {@code
   * UNDESERIALIZABLE}, and the deserializer's message.
   */
  public static Rejection why(ReadFailure failure, Exception exception) {
    RejectReason reason =
        failure == ReadFailure.UNKNOWN_SCHEMA
            ? RejectReason.UNKNOWN_SCHEMA
            : RejectReason.UNDESERIALIZABLE;
    return Rejection.of(
        reason,
        "cannot deserialize: "
            + Rejections.quote(String.valueOf(exception.getMessage()), MAX_MESSAGE));
  }

  /** The rejection of the unreadable record at {@code source}. */
  public RejectedRecord rejection(
      SourceRef source,
      byte[] key,
      byte[] value,
      Rejection rejection,
      String tenant,
      Instant rejectedAt) {
    long size = (key == null ? 0L : key.length) + (value == null ? 0L : value.length);
    if (!keepBytes) {
      return Rejections.withoutContent(source, rejection, tenant, null, rejectedAt);
    }
    if (size <= maxKeptBytes) {
      return Rejections.withBytes(source, rejection, key, value, tenant, rejectedAt);
    }
    // first, so that the detail's truncation never cuts it off
    Rejection tooLarge =
        Rejection.of(
            rejection.reason(),
            "key and value ("
                + size
                + " bytes) not kept: more than "
                + maxKeptBytes
                + "; "
                + rejection.detail());
    return Rejections.withoutContent(source, tooLarge, tenant, null, rejectedAt);
  }
}
