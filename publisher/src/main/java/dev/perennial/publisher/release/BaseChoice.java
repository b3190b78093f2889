package dev.perennial.publisher.release;

import dev.perennial.core.crypto.Digest;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which base model a question about a key's releases is about: one base, named by its digest
 * ({@code sha256:<hex>} or hex) or by the name its manifests give it; every base ({@value #ALL});
 * or, when not given, the key's newest base (see {@link KeyState#newestBase()}).
 *
 * @param requested what was asked for; null for the newest base
 */
public record BaseChoice(String requested) {

  public static final String ALL = "all";

  public static final BaseChoice NEWEST = new BaseChoice(null);

  /** Parses a base option; null or blank means the newest base. */
  public static BaseChoice parse(String text) {
    return text == null || text.isBlank() ? NEWEST : new BaseChoice(text.trim());
  }

  public boolean all() {
    return ALL.equals(requested);
  }

  /**
   * The key's bases this choice selects, newest first.
   *
   * @throws IllegalArgumentException for a base the key has no release on, naming the ones it has
   */
  public List<Digest> select(KeyState state) {
    if (requested == null) {
      return state.newestBase().map(List::of).orElse(List.of());
    }
    if (all()) {
      return state.bases();
    }
    return named(state)
        .map(List::of)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    state.key()
                        + " has no release on base "
                        + requested
                        + "; its bases: "
                        + bases(state)));
  }

  /**
   * Whether the key has a release on what this choice selects: always for the newest base or every
   * base; for one named base, whether any of the key's releases is on it (a key not yet re-based
   * onto a new base has none).
   */
  public boolean covers(KeyState state) {
    return requested == null || all() || named(state).isPresent();
  }

  /** The key's bases as {@code name (digest)}, newest first, for messages. */
  public static String bases(KeyState state) {
    return state.bases().stream()
        .map(base -> state.baseName(base) + " (" + base + ")")
        .collect(Collectors.joining(", "));
  }

  private Optional<Digest> named(KeyState state) {
    return state.bases().stream()
        .filter(base -> requested.equals(state.baseName(base)) || matchesDigest(base))
        .findFirst();
  }

  private boolean matchesDigest(Digest base) {
    try {
      return Digest.parse(requested).equals(base);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
