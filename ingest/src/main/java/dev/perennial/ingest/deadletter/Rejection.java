package dev.perennial.ingest.deadletter;

import dev.perennial.schemas.v1.RejectReason;
import java.util.Objects;

/**
 * Why an input record does not become an example: a reason code and a detail that names the
 * offending field or error. A detail names ids, fields and sizes, never content.
 */
public record Rejection(RejectReason reason, String detail) {

  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  public static Rejection of(RejectReason reason, String detail) {
    return new Rejection(reason, detail);
  }
}
