package dev.perennial.publisher.retract;

import dev.perennial.schemas.key.AdapterKey;

/**
 * An operator's request to withdraw a release for good (a harmful or wrong adapter), as the admin
 * endpoint receives it: retracted as a release trained on erased data is ({@link
 * RetractCommandProcessor}), its weights purged.
 *
 * @param actor who asks (recorded in the release record and the audit event)
 * @param reason why (recorded in the release record, the audit event and the purge notice)
 */
public record RetractCommand(AdapterKey key, int version, String actor, String reason) {

  public RetractCommand {
    if (version < 1) {
      throw new IllegalArgumentException("version must be at least 1, got " + version);
    }
    if (actor == null || actor.isBlank()) {
      throw new IllegalArgumentException("actor is required: who retracts the release");
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason is required: why the release is retracted");
    }
  }
}
