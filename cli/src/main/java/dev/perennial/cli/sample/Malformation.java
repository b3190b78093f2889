package dev.perennial.cli.sample;

import dev.perennial.schemas.v1.RejectReason;

/** The ways a sample event is malformed, each with the rejection ingest must give it. */
public enum Malformation {
  /** Bytes that are no record at all. */
  RANDOM_BYTES(RejectReason.UNDESERIALIZABLE),
  /** A well-formed record whose first byte is not the wire format's magic byte 0. */
  WRONG_MAGIC_BYTE(RejectReason.UNDESERIALIZABLE),
  /** A well-formed record framed with a schema id the registry never gave out. */
  UNKNOWN_SCHEMA_ID(RejectReason.UNKNOWN_SCHEMA),
  /** Required fields left empty (event id, content or prompt). */
  MISSING_FIELDS(RejectReason.INVALID_FIELD),
  /** A text one byte larger than ingest's limit. */
  OVERSIZED(RejectReason.TOO_LARGE),
  /** A well-formed event of a user who never consented. */
  UNCONSENTED(RejectReason.NO_CONSENT);

  private final RejectReason reason;

  Malformation(RejectReason reason) {
    this.reason = reason;
  }

  /** The reason code ingest rejects it with. */
  public RejectReason reason() {
    return reason;
  }
}
