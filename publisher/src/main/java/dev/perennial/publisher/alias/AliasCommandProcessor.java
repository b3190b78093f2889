package dev.perennial.publisher.alias;

import dev.perennial.publisher.alias.AliasChangeRefusedException.Reason;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseEvents;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.ReleaseAction;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns an operator's {@link AliasCommand} into a PROMOTED or ROLLED_BACK record and an audit event
 * (stage OPERATOR, the operator as actor, their reason), or refuses it.
 */
public final class AliasCommandProcessor {

  private final Clock clock;

  public AliasCommandProcessor(Clock clock) {
    this.clock = clock;
  }

  /**
   * @throws AliasChangeRefusedException when the key's state does not allow the move
   */
  public Decision process(ReleaseRegistry registry, AliasCommand command) {
    KeyState before =
        registry
            .find(command.key())
            .filter(state -> state.latestVersion() > 0)
            .orElseThrow(
                () ->
                    new AliasChangeRefusedException(
                        Reason.UNKNOWN_KEY, "No releases of " + command.key()));
    KeyState after =
        command.move() == AliasCommand.Move.PROMOTE
            ? AliasPolicy.promote(before, command.alias(), command.version())
            : AliasPolicy.rollback(before, command.alias(), command.version());
    Instant now = clock.instant();
    ReleaseAction action =
        command.move() == AliasCommand.Move.PROMOTE
            ? ReleaseAction.PROMOTED
            : ReleaseAction.ROLLED_BACK;
    String auditAction =
        command.move() == AliasCommand.Move.PROMOTE
            ? AuditEvents.RELEASE_PROMOTED
            : AuditEvents.RELEASE_ROLLED_BACK;
    Map<String, String> details = new TreeMap<>();
    details.put("alias", command.alias());
    details.put("version", Integer.toString(command.version()));
    before
        .baseOf(command.version())
        .ifPresent(
            base -> {
              details.put("base", before.baseName(base) + " (" + base + ")");
              details.put(
                  "previousVersion",
                  before.alias(base, command.alias()).map(String::valueOf).orElse("none"));
            });
    return new Decision(
        Outcome.ALIAS_MOVED,
        command.key().toString(),
        Optional.of(after),
        List.of(ReleaseEvents.record(after, command.version(), action, command.reason(), now)),
        List.of(
            AuditEvents.event(
                UUID.randomUUID().toString(),
                command.key().toString(),
                AuditStage.OPERATOR,
                auditAction,
                command.actor(),
                command.reason(),
                details,
                now)));
  }
}
