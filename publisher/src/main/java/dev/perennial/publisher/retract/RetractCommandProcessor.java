package dev.perennial.publisher.retract;

import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.publish.Decision.Outcome;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.retract.RetractionRefusedException.Reason;
import dev.perennial.schemas.v1.AuditStage;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns an operator's {@link RetractCommand} into the RETRACTED record and audit event an erasure's
 * retraction writes ({@link Retractions#retract}: aliases fall back, the weights are purged once
 * the record is committed), with stage OPERATOR, the operator as actor and their reason; or refuses
 * it. A release whose manifest is quarantined, or whose folder could not be read, is retracted as
 * an erasure would retract it: withdrawing a release is never held up by its files.
 */
public final class RetractCommandProcessor {

  private final Clock clock;

  public RetractCommandProcessor(Clock clock) {
    this.clock = clock;
  }

  /**
   * @throws RetractionRefusedException for a key without releases, a version it never published, or
   *     one retracted already
   */
  public Decision process(ReleaseRegistry registry, RetractCommand command) {
    KeyState state =
        registry
            .find(command.key())
            .filter(found -> found.latestVersion() > 0)
            .orElseThrow(
                () ->
                    new RetractionRefusedException(
                        Reason.UNKNOWN_KEY, "No releases of " + command.key()));
    int version = command.version();
    if (!state.wasAnnounced(version)) {
      throw new RetractionRefusedException(
          Reason.UNKNOWN_VERSION,
          command.key()
              + " has no published v"
              + version
              + " (latest is v"
              + state.latestVersion()
              + ")");
    }
    if (state.isRetracted(version)) {
      throw new RetractionRefusedException(
          Reason.ALREADY_RETRACTED,
          command.key() + " v" + version + " is retracted already; nothing to do");
    }
    Retractions.Result result =
        Retractions.retract(
            state,
            List.of(version),
            "retracted by " + command.actor() + ": " + command.reason(),
            Map.of(),
            UUID.randomUUID().toString(),
            AuditStage.OPERATOR,
            command.actor(),
            clock.instant());
    return new Decision(
        Outcome.RETRACTED,
        command.key().toString(),
        Optional.of(result.state()),
        result.releases(),
        result.audits());
  }
}
