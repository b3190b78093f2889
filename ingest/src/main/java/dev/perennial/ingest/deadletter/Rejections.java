package dev.perennial.ingest.deadletter;

import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SourceRef;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the {@link RejectedRecord}s ingest writes to {@code rejected.v1}. */
public final class Rejections {

  private static final int MAX_DETAIL_LENGTH = 1000;

  private Rejections() {}

  /**
   * A rejection that keeps ids and offsets only: no original key or value bytes (they would store
   * content ingest may not keep).
   *
   * @param tenant the tenant, if the record could be read (else null)
   * @param eventId the event id, if the record could be read (else null)
   */
  public static RejectedRecord withoutContent(
      SourceRef source, Rejection rejection, String tenant, String eventId, Instant rejectedAt) {
    return RejectedRecord.newBuilder()
        .setSource(source)
        .setKey(null)
        .setValue(null)
        .setReason(rejection.reason())
        .setDetail(truncate(rejection.detail()))
        .setTenant(tenant)
        .setEventId(eventId)
        .setRejectedAt(rejectedAt)
        .build();
  }

  /** A rejection of an unreadable record that keeps its original bytes (see the keep switch). */
  public static RejectedRecord withBytes(
      SourceRef source,
      Rejection rejection,
      byte[] key,
      byte[] value,
      String tenant,
      Instant rejectedAt) {
    return RejectedRecord.newBuilder(withoutContent(source, rejection, tenant, null, rejectedAt))
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .build();
  }

  public static SourceRef source(String topic, int partition, long offset) {
    return SourceRef.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset).build();
  }

  /** Text for a detail that echoes something from outside (a key, an exception message). */
  public static String quote(String text, int maxLength) {
    if (text == null) {
      return "null";
    }
    String shown = text.length() <= maxLength ? text : text.substring(0, maxLength) + "...";
    return "'" + shown + "'";
  }

  private static String truncate(String detail) {
    return detail.length() <= MAX_DETAIL_LENGTH
        ? detail
        : detail.substring(0, MAX_DETAIL_LENGTH) + "...";
  }
}
