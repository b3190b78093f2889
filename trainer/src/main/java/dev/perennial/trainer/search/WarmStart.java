package dev.perennial.trainer.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a key's search starts: the winner recorded in the key's stable release (its lineage's
 * searched recipe, as releases.v1 carries it); a key without one starts from the winner most common
 * among other keys' searched winners on the same base (priors: recipe settings only, no example of
 * any tenant; one vote per key that searched, see {@code TrainerWorker.searchPriors}); with
 * neither, from the configured recipe.
 */
public final class WarmStart {

  /** Where a centre came from, as the candidate records it. */
  public enum Origin {
    /** The configured recipe. */
    CONFIGURED,
    /** The key's own last winner. */
    KEY,
    /** Other keys' winners. */
    PRIOR,
    /** This job's search. */
    SEARCH;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Origin parse(String label) {
      for (Origin origin : values()) {
        if (origin.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
          return origin;
        }
      }
      throw new IllegalArgumentException(
          "Unknown origin " + label + " (configured, key, prior, search)");
    }
  }

  /** A search's centre and where it came from. */
  public record Centre(RecipePoint point, Origin origin) {}

  private WarmStart() {}

  /**
   * @param configured the configured recipe's point
   * @param key the winner in the key's stable release, if it recorded one
   * @param others the winners of other keys' latest releases, most recent first (ties between
   *     equally common winners go to the most recent)
   */
  public static Centre choose(
      RecipePoint configured, Optional<RecipePoint> key, List<RecipePoint> others) {
    if (key.isPresent()) {
      return new Centre(key.get(), Origin.KEY);
    }
    Map<RecipePoint, Integer> counts = new LinkedHashMap<>();
    others.forEach(point -> counts.merge(point, 1, Integer::sum));
    RecipePoint best = null;
    int most = 0;
    for (Map.Entry<RecipePoint, Integer> entry : counts.entrySet()) {
      if (entry.getValue() > most) {
        best = entry.getKey();
        most = entry.getValue();
      }
    }
    return best == null
        ? new Centre(configured, Origin.CONFIGURED)
        : new Centre(best, Origin.PRIOR);
  }
}
