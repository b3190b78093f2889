package dev.perennial.publisher.alias;

import dev.perennial.publisher.config.Aliases;
import dev.perennial.schemas.key.AdapterKey;
import java.util.Locale;

/**
 * An operator's request to move an alias, as the admin endpoint receives it.
 *
 * @param actor who asks (recorded in the audit event)
 * @param reason why (recorded in the release record and the audit event)
 */
public record AliasCommand(
    AdapterKey key, String alias, int version, Move move, String actor, String reason) {

  /** Promote points an alias at a version; rollback moves it back to an older one. */
  public enum Move {
    PROMOTE,
    ROLLBACK;

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Move parse(String text) {
      for (Move move : values()) {
        if (move.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
          return move;
        }
      }
      throw new IllegalArgumentException("action '" + text + "' is not one of promote, rollback");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public AliasCommand {
    Aliases.require(alias);
    if (version < 1) {
      throw new IllegalArgumentException("version must be at least 1, got " + version);
    }
    if (actor == null || actor.isBlank()) {
      throw new IllegalArgumentException("actor is required: who moves the alias");
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason is required: why the alias moves");
    }
  }
}
