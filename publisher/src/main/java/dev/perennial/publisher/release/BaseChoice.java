package dev.perennial.publisher.release;

import dev.perennial.core.crypto.Digest;
import java.util.List;
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
    for (Digest base : state.bases()) {
      if (requested.equals(state.baseName(base)) || matchesDigest(base)) {
        return List.of(base);
      }
    }
    throw new IllegalArgumentException(
        state.key()
            + " has no release on base "
            + requested
            + "; its bases: "
            + state.bases().stream()
                .map(base -> state.baseName(base) + " (" + base + ")")
                .collect(Collectors.joining(", ")));
  }

  private boolean matchesDigest(Digest base) {
    try {
      return Digest.parse(requested).equals(base);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
