package dev.perennial.publisher.alias;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.alias.AliasChangeRefusedException.Reason;
import dev.perennial.publisher.config.Aliases;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.StoredRelease;
import java.util.Map;
import java.util.Optional;

/**
 * How aliases move. Aliases are per key and base model: every rule moves the alias of the base the
 * version was trained on and leaves other bases' aliases alone. Every rule is a pure function of a
 * key's state:
 *
 * <ul>
 *   <li>a published release takes {@code stable} on its base when the tenant promotes
 *       automatically, else {@code canary}; it takes {@code canary} too when the {@code stable} it
 *       was compared with has moved since (on its own base, or, for a release rebased onto a base
 *       with no {@code stable} yet, on the incumbent's base): it was never compared with the
 *       release it would replace; so does one rebased after an incumbent that is quarantined and on
 *       no alias (its base is not known);
 *   <li>promote points an alias at any published, unretracted version other than its current one;
 *   <li>rollback points an existing alias back at an older published, unretracted version of the
 *       same base; nothing is deleted;
 *   <li>a retracted version is never served: an alias on it falls back to the newest older
 *       published version of its base that is not retracted, or is removed when there is none (the
 *       read API then answers 404 for it).
 * </ul>
 */
public final class AliasPolicy {

  private AliasPolicy() {}

  /** The alias a passed release takes, and why, in words for the audit trail. */
  public record NewReleaseAlias(String alias, String why) {}

  /**
   * @param base the base the new release was trained on
   * @param evaluatedAgainst the stable version the release's verdict compared it with, null when
   *     there was none
   */
  public static NewReleaseAlias forNewRelease(
      KeyState state, Digest base, Integer evaluatedAgainst, TenantPolicy policy) {
    if (!policy.autoPromote()) {
      return new NewReleaseAlias(Aliases.CANARY, "awaits promotion");
    }
    Optional<Integer> stable = state.alias(base, Aliases.STABLE);
    if (stable.isEmpty() && evaluatedAgainst != null) {
      // rebased onto a base without a stable: compared with the incumbent on its own base
      Optional<Digest> incumbentBase = state.baseOf(evaluatedAgainst);
      if (incumbentBase.isEmpty() && state.isQuarantined(evaluatedAgainst)) {
        // its manifest is not believed and no alias says its base: whether the stable it was
        // compared with has moved since cannot be told
        return new NewReleaseAlias(
            Aliases.CANARY,
            "evaluated against v"
                + evaluatedAgainst
                + ", which is quarantined (its base is not known); awaits promotion");
      }
      if (incumbentBase.isPresent() && !incumbentBase.get().equals(base)) {
        stable = state.alias(incumbentBase.get(), Aliases.STABLE);
      }
    }
    if (stable.isPresent() && !stable.get().equals(evaluatedAgainst)) {
      return new NewReleaseAlias(
          Aliases.CANARY,
          "evaluated against "
              + (evaluatedAgainst == null ? "no incumbent" : "v" + evaluatedAgainst)
              + " while stable is now v"
              + stable.get()
              + "; awaits promotion");
    }
    return new NewReleaseAlias(Aliases.STABLE, "tenant promotes automatically");
  }

  /** The state after {@code release} is announced with {@code alias} on it. */
  public static KeyState afterPublish(KeyState state, StoredRelease release, String alias) {
    return state
        .withRelease(release)
        .withAnnounced(release.version())
        .withAlias(alias, release.version());
  }

  /**
   * @throws AliasChangeRefusedException when the version is unknown, retracted or quarantined, or
   *     the alias already points at it
   */
  public static KeyState promote(KeyState state, String alias, int version) {
    requireServable(state, version);
    if (state.alias(state.baseOf(version).orElseThrow(), alias).orElse(-1) == version) {
      throw new AliasChangeRefusedException(
          Reason.UNCHANGED, state.key() + " " + alias + " already points at v" + version);
    }
    return state.withAlias(alias, version);
  }

  /**
   * @throws AliasChangeRefusedException when the alias does not exist, or the version is unknown,
   *     retracted, quarantined or not older than the alias's current version
   */
  public static KeyState rollback(KeyState state, String alias, int version) {
    requireServable(state, version);
    Digest base = state.baseOf(version).orElseThrow();
    Optional<Integer> current = state.alias(base, alias);
    if (current.isEmpty()) {
      throw new AliasChangeRefusedException(
          Reason.UNKNOWN_ALIAS,
          state.key()
              + " has no alias "
              + alias
              + " on v"
              + version
              + "'s base "
              + state.baseName(base)
              + " to roll back");
    }
    if (version >= current.get()) {
      throw new AliasChangeRefusedException(
          Reason.NOT_OLDER,
          state.key()
              + " "
              + alias
              + " points at v"
              + current.get()
              + "; a rollback goes to an older version, v"
              + version
              + " is not (use promote)");
    }
    return state.withAlias(alias, version);
  }

  /**
   * The state after {@code version} is retracted: aliases on it fall back (to the newest servable
   * release below it on its base, never a quarantined one) or are removed.
   */
  public static KeyState afterRetraction(KeyState state, int version) {
    KeyState next = state.withRetracted(version);
    Optional<Digest> base = state.baseOf(version);
    if (base.isEmpty()) {
      return next;
    }
    for (Map.Entry<String, Integer> alias : state.aliases(base.get()).entrySet()) {
      if (alias.getValue() == version) {
        Optional<Integer> fallback = newestServableBelow(next, base.get(), version);
        next =
            fallback.isPresent()
                ? next.withAlias(alias.getKey(), fallback.get())
                : next.withoutAlias(base.get(), alias.getKey());
      }
    }
    return next;
  }

  private static Optional<Integer> newestServableBelow(KeyState state, Digest base, int version) {
    return state.releases().headMap(version).keySet().stream()
        .filter(v -> state.isAnnounced(v) && !state.isRetracted(v) && !state.isQuarantined(v))
        .filter(v -> state.baseOf(v).map(base::equals).orElse(false))
        .reduce((first, second) -> second);
  }

  private static void requireServable(KeyState state, int version) {
    if (!state.isAnnounced(version)) {
      throw new AliasChangeRefusedException(
          Reason.UNKNOWN_VERSION,
          state.key()
              + " has no published v"
              + version
              + (state.latestVersion() == 0
                  ? " (nothing published yet)"
                  : " (latest is v" + state.latestVersion() + ")"));
    }
    if (state.isRetracted(version)) {
      throw new AliasChangeRefusedException(
          Reason.RETRACTED, state.key() + " v" + version + " is retracted and is never served");
    }
    if (state.isQuarantined(version)) {
      throw new AliasChangeRefusedException(
          Reason.FAILS_VERIFICATION,
          state.key()
              + " v"
              + version
              + " is quarantined, no alias moves onto it: "
              + state.quarantine(version).orElseThrow());
    }
  }
}
